//! Damaged or missing model and runtime files, through the real binary: each failure is an error that names the file and says to run `lookalike setup`, never a crash.

mod common;

use std::path::{Path, PathBuf};

const MODEL_FILES: [&str; 5] = [
    "model.onnx",
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
];

/// The installed runtime library of the shared test data dir.
fn runtime_library() -> PathBuf {
    let dir = common::data_dir().join("runtime");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("onnxruntime"))
        .expect("the installed runtime")
}

/// What is done to a file: kept as installed (linked), cut to its first bytes, or left out.
#[derive(Clone, Copy)]
enum Damage {
    CutTo(usize),
    Missing,
}

/// Places `source` at `target`, linked when whole, cut short or left out when damaged.
fn place(source: &Path, target: &Path, damage: Option<Damage>) {
    match damage {
        None => std::os::unix::fs::symlink(source, target).unwrap(),
        Some(Damage::CutTo(n)) => {
            let bytes = std::fs::read(source).unwrap();
            std::fs::write(target, &bytes[..n.min(bytes.len())]).unwrap();
        }
        Some(Damage::Missing) => {}
    }
}

/// A model directory like the installed one, with `file` damaged.
fn model_dir_with(dir: &Path, file: &str, damage: Damage) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let installed = common::data_dir().join("model");
    for name in MODEL_FILES {
        place(
            &installed.join(name),
            &dir.join(name),
            (name == file).then_some(damage),
        );
    }
    dir.to_path_buf()
}

/// A data dir like the installed one, with `file` (under model/ or runtime/) damaged.
fn data_dir_with(root: &Path, file: &str, damage: Damage) -> PathBuf {
    let data = root.join("data");
    model_dir_with(&data.join("model"), file, damage);
    std::fs::create_dir_all(data.join("runtime")).unwrap();
    let runtime = runtime_library();
    let name = runtime.file_name().unwrap().to_string_lossy().into_owned();
    place(
        &runtime,
        &data.join("runtime").join(&name),
        (name == file).then_some(damage),
    );
    data
}

/// `lookalike index` on a tiny catalog with `env` set; returns stderr after checking that the
/// run failed with exit code 1 (not a signal).
fn index_fails(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> String {
    let catalog = dir.join("tiny.jsonl");
    std::fs::write(&catalog, "{\"id\": \"a\", \"title\": \"a steel mug\"}\n").unwrap();
    let mut command = common::lookalike(&dir.join("cache"));
    command
        .args(["index", "--no-cache", "--catalog"])
        .arg(&catalog)
        .args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{}: {stderr}", output.status);
    stderr
}

fn assert_names_and_sends_to_setup(stderr: &str, file: &Path, what: &str) {
    assert!(
        stderr.starts_with("lookalike: error: ")
            && stderr.contains(&file.display().to_string())
            && stderr.contains(what)
            && stderr.contains("run `lookalike setup`"),
        "expected {} and {what:?}: {stderr}",
        file.display()
    );
}

#[test]
fn damaged_or_missing_files_in_a_model_dir_are_named() {
    let cases = [
        (
            "model.onnx",
            Damage::CutTo(100_000),
            "cannot load the model",
        ),
        ("model.onnx", Damage::Missing, "is missing"),
        (
            "tokenizer.json",
            Damage::CutTo(1000),
            "is damaged (not valid JSON",
        ),
        ("tokenizer.json", Damage::Missing, "is missing"),
        (
            "config.json",
            Damage::CutTo(10),
            "is damaged (not valid JSON",
        ),
        ("special_tokens_map.json", Damage::Missing, "is missing"),
    ];
    for (n, (file, damage, what)) in cases.into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let model_dir = model_dir_with(&dir.path().join(format!("model-{n}")), file, damage);
        let model_dir_arg = model_dir.to_string_lossy().into_owned();
        let stderr = index_fails(dir.path(), &["--model-dir", &model_dir_arg], &[]);
        assert_names_and_sends_to_setup(&stderr, &model_dir.join(file), what);
    }
}

#[test]
fn damaged_installed_files_are_named() {
    let runtime = runtime_library();
    let runtime_name = runtime.file_name().unwrap().to_string_lossy().into_owned();
    let cases = [
        ("model.onnx", Damage::CutTo(100_000), "sha256 mismatch"),
        (
            "tokenizer.json",
            Damage::CutTo(1000),
            "is damaged (not valid JSON",
        ),
        (
            runtime_name.as_str(),
            Damage::CutTo(1000),
            "is damaged (it is 1000 bytes",
        ),
        (
            runtime_name.as_str(),
            Damage::CutTo(5_000_000),
            "is damaged (it is 5000000 bytes",
        ),
        (runtime_name.as_str(), Damage::Missing, "not found"),
    ];
    for (file, damage, what) in cases {
        let dir = tempfile::tempdir().unwrap();
        let data = data_dir_with(dir.path(), file, damage);
        let stderr = index_fails(dir.path(), &[], &[("LOOKALIKE_DATA_DIR", &data)]);
        let damaged = if file == runtime_name {
            data.join("runtime").join(file)
        } else {
            data.join("model").join(file)
        };
        assert_names_and_sends_to_setup(&stderr, &damaged, what);
    }
}

#[test]
fn a_cut_short_runtime_library_of_the_users_is_named_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("libonnxruntime.so");
    place(&runtime_library(), &library, Some(Damage::CutTo(2_000_000)));
    let stderr = index_fails(dir.path(), &[], &[("ORT_DYLIB_PATH", &library)]);
    assert_names_and_sends_to_setup(&stderr, &library, "is damaged (it is 2000000 bytes");
}
