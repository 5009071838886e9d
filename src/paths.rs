//! Where lookalike keeps its files: data (model, runtime, logs) and cache (embeddings, index), with env overrides.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The directories lookalike reads and writes, resolved once at start-up.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// Model, tokenizer, runtime library and logs.
    pub data: PathBuf,
    /// Embedding and index caches: safe to delete at any time.
    pub cache: PathBuf,
    /// Where the user's `config.toml` is looked for when `--config` is not given.
    pub config: Option<PathBuf>,
}

impl Dirs {
    /// Platform directories, overridden by `LOOKALIKE_DATA_DIR` and `LOOKALIKE_CACHE_DIR`.
    pub fn from_env() -> Result<Self> {
        let project = directories::ProjectDirs::from("", "", "lookalike");
        let pick = |var: &str, platform: Option<&Path>| -> Result<PathBuf> {
            match std::env::var_os(var) {
                Some(value) if !value.is_empty() => Ok(PathBuf::from(value)),
                _ => platform.map(Path::to_path_buf).ok_or_else(|| {
                    Error::Setup(format!(
                        "cannot find a home directory for lookalike's files; set {var}"
                    ))
                }),
            }
        };
        Ok(Self {
            data: pick(
                "LOOKALIKE_DATA_DIR",
                project.as_ref().map(directories::ProjectDirs::data_dir),
            )?,
            cache: pick(
                "LOOKALIKE_CACHE_DIR",
                project.as_ref().map(directories::ProjectDirs::cache_dir),
            )?,
            config: project.map(|p| p.config_dir().join("config.toml")),
        })
    }

    /// The installed model files (model.onnx and the tokenizer files).
    pub fn model_dir(&self) -> PathBuf {
        self.data.join("model")
    }

    /// The installed ONNX Runtime library directory.
    pub fn runtime_dir(&self) -> PathBuf {
        self.data.join("runtime")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data.join("logs")
    }
}
