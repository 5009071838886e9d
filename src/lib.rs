//! lookalike: explore a product catalog by meaning.
//!
//! Module map, with the direction of dependencies (nothing imports `tui`):
//! - [`catalog`]: products, and reading JSON / JSON Lines / CSV / TSV catalogs.
//! - [`config`]: the typed configuration; [`paths`]: where files are kept; [`error`]: typed errors.
//! - [`embed`]: the ONNX sentence model, bulk embedding, and provisioning of model and runtime.
//! - [`index`]: the HNSW graph and the exact oracle; [`store`]: checked cache files, read through
//!   [`mapped`] and written through [`atomic_file`].
//! - [`safe_text`]: product text made harmless for terminals.
//! - [`audit`]: near-duplicate groups and miscategorised products, from neighbours in the graph.
//! - [`search`]: the engine (`catalog` + vectors + index + query embedder), opened with caches.
//! - `cmd`: the CLI's subcommands; `tui`: the interactive app (feature `tui`).

pub mod atomic_file;
pub mod audit;
pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod embed;
pub mod error;
pub mod filter;
pub mod index;
pub mod lexical;
pub mod mapped;
pub mod paths;
pub mod safe_text;
pub mod search;
pub mod store;
#[cfg(feature = "tui")]
pub mod tui;
