//! Turning text into vectors: the `Embedder` seam, the ONNX model behind it, bulk embedding, and provisioning of the files.

pub mod bulk;
mod library_check;
mod onnx;
pub mod provision;

pub use onnx::{OnnxEmbedder, Threads};

use crate::error::Result;

/// Dimensions of all-MiniLM-L6-v2's sentence vectors.
pub const DIM: usize = 384;

/// The model's own maximum sequence length, in tokens; longer texts are truncated.
pub const MAX_TOKENS: usize = 256;

/// Something that turns texts into L2-normalised vectors. The real one is [`OnnxEmbedder`];
/// unit tests where meaning does not matter use a stand-in.
pub trait Embedder: Send {
    /// Identifies the model's weights (a hash): part of every cache key.
    fn model_id(&self) -> &str;

    /// Number of tokens the model would see for this text (before truncation).
    fn token_count(&self, text: &str) -> usize;

    /// Embeds texts in one model call; one vector of [`DIM`] values per text, in order.
    fn embed_batch(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}
