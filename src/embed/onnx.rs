//! The real embedder: all-MiniLM-L6-v2 (int8 ONNX) through fastembed, on ONNX Runtime loaded from a file we checked first, with tokenizer files checked to be JSON first so that a damaged one is named.

use std::path::Path;
use std::sync::OnceLock;

use fastembed::{
    InitOptionsUserDefined, Pooling, QuantizationMode, TextEmbedding, TokenizerFiles,
    UserDefinedEmbeddingModel,
};

use super::library_check;
use super::provision::ModelFiles;
use super::{Embedder, MAX_TOKENS};
use crate::config::EmbedConfig;
use crate::error::{Error, Result};

/// How many intra-op threads a model session uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// This many, and at most one per core: live queries (`embed.query_threads`).
    AtMost(usize),
    /// Every core: highest throughput for bulk embedding.
    All,
}

impl Threads {
    /// The threads of the session that embeds typed queries, as `embed.query_threads` sets them.
    pub fn for_queries(embed: &EmbedConfig) -> Self {
        Self::AtMost(embed.query_threads)
    }

    /// The number of threads this asks for on this machine.
    pub fn count(self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        match self {
            Self::AtMost(wanted) => wanted.clamp(1, cores),
            Self::All => cores,
        }
    }
}

/// ONNX Runtime allows one environment per process; it is made on first use and shared.
static ENVIRONMENT: OnceLock<std::result::Result<ort::environment::Environment, String>> =
    OnceLock::new();

fn environment(runtime: &Path) -> Result<ort::environment::Environment> {
    let made = ENVIRONMENT.get_or_init(|| {
        // ort panics instead of failing when the library is missing, so check the file first.
        if !runtime.is_file() {
            return Err(format!(
                "ONNX Runtime library not found at {}; run `lookalike setup`, or set ORT_DYLIB_PATH to a libonnxruntime.so you have",
                runtime.display()
            ));
        }
        match library_check::cut_short(runtime) {
            Ok(None) => {}
            Ok(Some(why)) => {
                return Err(format!(
                    "ONNX Runtime library {} is damaged ({why}); run `lookalike setup` to reinstall it, or set ORT_DYLIB_PATH to a libonnxruntime.so you have",
                    runtime.display()
                ));
            }
            Err(e) => {
                return Err(format!(
                    "cannot read ONNX Runtime library {}: {e}; run `lookalike setup`",
                    runtime.display()
                ));
            }
        }
        ort::init_from(runtime)
            .map_err(|e| e.to_string())
            .and_then(|builder| builder.with_name("lookalike").build().map_err(|e| e.to_string()))
            .map_err(|e| {
                format!(
                    "cannot load ONNX Runtime from {}: {e}; run `lookalike setup` to reinstall it, or set ORT_DYLIB_PATH",
                    runtime.display()
                )
            })
    });
    made.clone().map_err(Error::Model)
}

/// all-MiniLM-L6-v2 with mean pooling and the model's own limit of [`MAX_TOKENS`] tokens.
pub struct OnnxEmbedder {
    model: TextEmbedding,
    dim: usize,
}

impl OnnxEmbedder {
    pub fn load(files: &ModelFiles, threads: Threads) -> Result<Self> {
        let environment = environment(&files.runtime)?;
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| {
                Error::Model(format!(
                    "cannot read model file {}: {e}; run `lookalike setup`",
                    path.display()
                ))
            })
        };
        // fastembed's own error for a damaged tokenizer file names no file: check them here.
        let read_json = |path: &Path| {
            let bytes = read(path)?;
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|e| {
                Error::Model(format!(
                    "{} is damaged (not valid JSON: {e}); run `lookalike setup` to reinstall it",
                    path.display()
                ))
            })?;
            Ok::<_, Error>(bytes)
        };
        let tokenizer_files = TokenizerFiles {
            tokenizer_file: read_json(&files.tokenizer)?,
            config_file: read_json(&files.config)?,
            special_tokens_map_file: read_json(&files.special_tokens_map)?,
            tokenizer_config_file: read_json(&files.tokenizer_config)?,
        };
        let user_model = UserDefinedEmbeddingModel::new(read(&files.model)?, tokenizer_files)
            .with_pooling(Pooling::Mean)
            .with_quantization(QuantizationMode::Static);
        let options = InitOptionsUserDefined::new()
            .with_environment(environment)
            .with_max_length(MAX_TOKENS)
            .with_intra_threads(threads.count());
        let model = TextEmbedding::try_new_from_user_defined(user_model, options).map_err(|e| {
            Error::Model(format!(
                "cannot load the model from {}: {e}; run `lookalike setup` to reinstall it",
                files.model.display()
            ))
        })?;
        Ok(Self {
            model,
            dim: files.identity.dim,
        })
    }
}

impl Embedder for OnnxEmbedder {
    fn dim(&self) -> usize {
        self.dim
    }

    fn token_count(&self, text: &str) -> usize {
        // The tokenizer truncates to MAX_TOKENS; an overflowing encoding means more were there.
        self.model
            .tokenizer
            .encode(text, true)
            .map_or(0, |encoding| {
                encoding.len()
                    + encoding
                        .get_overflowing()
                        .iter()
                        .map(|o| o.len().saturating_sub(2))
                        .sum::<usize>()
            })
    }

    fn embed_batch(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.model
            .embed(texts, Some(texts.len().max(1)))
            .map_err(|e| Error::Model(format!("embedding failed: {e}")))
    }
}
