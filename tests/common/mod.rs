//! Shared by the end-to-end tests: the real model, provisioned once through `lookalike setup`'s own code, and the binary under test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use lookalike::embed::provision::{self, ModelFiles, Sources};
use lookalike::paths::Dirs;

/// The data dir holding the model for all tests: installed on first use by `provision::setup`, which
/// locks, so test threads and test processes running at once install it once.
pub fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lookalike-test-data");
        let dirs = dirs_with_cache(&dir, &dir.join("unused-cache"));
        provision::setup(&dirs, &mut |_| {}).expect("lookalike setup (model and runtime) failed");
        dir
    })
}

fn dirs_with_cache(data: &Path, cache: &Path) -> Dirs {
    Dirs {
        data: data.to_path_buf(),
        cache: cache.to_path_buf(),
        config: None,
    }
}

/// Dirs using the shared model and a cache of the test's own.
pub fn dirs(cache: &Path) -> Dirs {
    dirs_with_cache(data_dir(), cache)
}

/// The real model's files.
pub fn model_files() -> ModelFiles {
    provision::locate(&dirs(Path::new("/nonexistent")), &Sources::default()).expect("model files")
}

/// The bundled sample catalog in the source tree.
pub fn bundled_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/products.json")
}

/// The lookalike binary with the shared model, a cache dir of the caller's, and no user config.
pub fn lookalike(cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lookalike"));
    command
        .env("LOOKALIKE_DATA_DIR", data_dir())
        .env("LOOKALIKE_CACHE_DIR", cache)
        .env("XDG_CONFIG_HOME", cache.join("no-config"))
        .env_remove("ORT_DYLIB_PATH");
    command
}

/// Control sequences a hostile catalog may carry in product text: colours, an OSC 8 link, an
/// OSC 52 clipboard write, a bidi override, NUL and BEL. None may reach a terminal as bytes.
pub const HOSTILE_BYTES: &[&str] = &[
    "\u{1b}[31mRED",
    "\u{1b}]8;;http://evil.example",
    "\u{1b}]52;c;aGVsbG8=",
    "\u{202e}",
    "\u{0}",
    "\u{7}",
];

/// A small JSON Lines catalog whose first product's title and description carry [`HOSTILE_BYTES`].
pub fn hostile_catalog(dir: &Path) -> PathBuf {
    let evil = "\u{1b}[31mRED\u{1b}[0m \u{1b}]8;;http://evil.example\u{7}link\u{1b}]8;;\u{7} \u{1b}]52;c;aGVsbG8=\u{7} \u{202e}reversed\u{0}";
    let rows = [
        serde_json::json!({"id": "EVIL-1", "title": format!("Electric kettle {evil}"), "description": format!("Boils water fast. {evil}")}),
        serde_json::json!({"id": "OK-1", "title": "Stainless steel travel mug", "description": "Keeps coffee hot."}),
        serde_json::json!({"id": "OK-2", "title": "Oak dining table", "description": "Seats six."}),
    ];
    let text: Vec<String> = rows.iter().map(ToString::to_string).collect();
    let path = dir.join("hostile.jsonl");
    std::fs::write(&path, text.join("\n")).unwrap();
    path
}

/// What `tests/data/planted.json` plants in a copy of the bundled catalog.
pub struct Planted {
    /// (original id, id of its reworded copy).
    pub duplicates: Vec<(String, String)>,
    /// (id, its true category) of the products filed under another category.
    pub recategorised: Vec<(String, String)>,
}

/// The bundled catalog with reworded copies of 24 products added and 24 products moved to a
/// wrong category, written into `dir`: the audit's quality test.
pub fn planted_catalog(dir: &Path) -> (PathBuf, Planted) {
    let read = |path: &str| -> serde_json::Value {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let plan = read("tests/data/planted.json");
    let mut products = read("assets/products.json").as_array().unwrap().clone();
    let mut recategorised = Vec::new();
    for moved in plan["recategorised"].as_array().unwrap() {
        let id = moved["id"].as_str().unwrap();
        let product = products.iter_mut().find(|p| p["id"] == id).unwrap();
        let truth = product["category"].as_str().unwrap().to_string();
        assert_ne!(
            truth, moved["category"],
            "{id} is planted in its own category"
        );
        product["category"] = moved["category"].clone();
        recategorised.push((id.to_string(), truth));
    }
    let mut duplicates = Vec::new();
    for copy in plan["duplicates"].as_array().unwrap() {
        let of = copy["of"].as_str().unwrap().to_string();
        duplicates.push((of, copy["product"]["id"].as_str().unwrap().to_string()));
        products.push(copy["product"].clone());
    }
    let path = dir.join("planted.json");
    std::fs::write(&path, serde_json::to_string(&products).unwrap()).unwrap();
    (
        path,
        Planted {
            duplicates,
            recategorised,
        },
    )
}
