//! Turning text into vectors: the `Embedder` seam, the ONNX model behind it, bulk embedding, and provisioning of the files.

pub mod bulk;
mod library_check;
mod onnx;
pub mod provision;

pub use onnx::{OnnxEmbedder, Threads};

use crate::error::Result;

/// The model's own maximum sequence length, in tokens; longer texts are truncated.
pub const MAX_TOKENS: usize = 256;

/// A model as its caches know it, without loading it: the hash of its weights (part of every
/// cache key) and the length of its vectors (checked against every cached vector file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelIdentity {
    pub id: String,
    pub dim: usize,
}

/// Something that turns texts into L2-normalised vectors. The real one is [`OnnxEmbedder`];
/// unit tests where meaning does not matter use a stand-in.
pub trait Embedder: Send {
    /// The length of the vectors it makes.
    fn dim(&self) -> usize;

    /// Number of tokens the model would see for this text (before truncation).
    fn token_count(&self, text: &str) -> usize;

    /// Embeds texts in one model call; one vector of [`Embedder::dim`] values per text, in order.
    fn embed_batch(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}
