//! What opening a catalog tells its user besides the results: a cache that failed a check and was rebuilt, or one that cannot be written.

use crate::store::Unusable;

/// The cache files of a catalog, as the user hears of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheFile {
    /// The parsed catalog (`catalog.bin`).
    Snapshot,
    /// The product vectors (`vectors.bin`).
    Vectors,
    /// The HNSW graph (`graph.bin`).
    Graph,
    /// The lexical index (`lexical-<key>/`).
    Lexical,
}

impl std::fmt::Display for CacheFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Snapshot => "catalog snapshot",
            Self::Vectors => "embedding cache",
            Self::Graph => "index cache",
            Self::Lexical => "word index",
        })
    }
}

/// One line for the user about an open; each is said once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A cache file failed a check other than staleness; what it held was made again.
    Rebuilt { cache: CacheFile, why: Unusable },
    /// A cache file could not be written (the error's text): the work is not kept for next time.
    Unwritable(String),
}

impl Notice {
    /// Adds that a cache file cannot be written, unless that was said already: the first
    /// failure tells why, and one line is enough.
    pub fn add_unwritable(notices: &mut Vec<Notice>, error: &dyn std::fmt::Display) {
        if !notices.iter().any(|n| matches!(n, Self::Unwritable(_))) {
            notices.push(Self::Unwritable(error.to_string()));
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rebuilt { cache, why } => write!(f, "{cache} ignored and rebuilt: {why}"),
            Self::Unwritable(error) => write!(
                f,
                "working without a cache (results are not kept for next time): {error}"
            ),
        }
    }
}
