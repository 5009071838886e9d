//! What a search asks for ([`SearchRequest`]: input, mode, ratio, filter, k) and what it answers ([`Answer`]: the products found, each with why).

use std::time::Duration;

use crate::index::Method;

/// Which sides of the engine rank the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    /// Meaning and words, fused by the semantic ratio.
    #[default]
    Hybrid,
    /// Meaning only: the sentence model and the HNSW index.
    Semantic,
    /// Words only: BM25 over ids, titles, brands and every text field.
    Lexical,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Hybrid => "hybrid",
            Self::Semantic => "semantic",
            Self::Lexical => "lexical",
        })
    }
}

/// What the results are to be like.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A typed query.
    Text(String),
    /// Example products: results are like the positive ones, unlike the negative ones, and never one of them.
    Like(Examples),
}

/// Products to steer by, as catalog positions, and how their pull is combined.
#[derive(Debug, Clone, PartialEq)]
pub struct Examples {
    pub positive: Vec<usize>,
    pub negative: Vec<usize>,
    pub strategy: Steering,
}

impl Examples {
    /// Products like the one at `position`.
    pub fn one(position: usize) -> Self {
        Self {
            positive: vec![position],
            negative: Vec::new(),
            strategy: Steering::default(),
        }
    }
}

/// How several examples become one ranking, named as in Qdrant's `recommend` query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Steering {
    /// One query vector, 2·mean(positives) − mean(negatives), searched in the index.
    #[default]
    AverageVector,
    /// Each product's best cosine with a positive, below every product nearer a negative than any positive.
    BestScore,
}

impl std::fmt::Display for Steering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AverageVector => "average-vector",
            Self::BestScore => "best-score",
        })
    }
}

/// One search, as the command line and the interactive app ask it of the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub input: Input,
    pub mode: Mode,
    /// The semantic side's weight in hybrid mode: 0 is words only, 1 meaning only.
    pub semantic_ratio: f32,
    /// A filter expression (see [`crate::filter`]); only matching products are returned.
    pub filter: Option<String>,
    pub k: usize,
    /// How the semantic side searches: the HNSW index, or every vector.
    pub method: Method,
}

impl SearchRequest {
    /// A hybrid text search with the default ratio, no filter, on the index.
    pub fn text(text: impl Into<String>, k: usize) -> Self {
        Self {
            input: Input::Text(text.into()),
            mode: Mode::Hybrid,
            semantic_ratio: DEFAULT_SEMANTIC_RATIO,
            filter: None,
            k,
            method: Method::Hnsw,
        }
    }

    /// Products like the product at `position`, with no filter, on the index.
    pub fn like(position: usize, k: usize) -> Self {
        Self::steered(Examples::one(position), k)
    }

    /// Products like the positive examples and unlike the negative ones, with no filter, on the index.
    pub fn steered(examples: Examples, k: usize) -> Self {
        Self {
            input: Input::Like(examples),
            mode: Mode::Semantic,
            semantic_ratio: 1.0,
            filter: None,
            k,
            method: Method::Hnsw,
        }
    }
}

/// The semantic side's default weight in hybrid mode, chosen on the bundled catalog's
/// paraphrase, brand, id and model-number queries (README, "Hybrid search").
pub const DEFAULT_SEMANTIC_RATIO: f32 = 0.6;

/// One product found, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The product's position in the catalog.
    pub index: u32,
    /// What the results are ordered by: the fused score in hybrid mode, else the side's own.
    pub score: f32,
    /// The cosine with the query, when the semantic side returned the product.
    pub semantic: Option<f32>,
    /// The BM25 score, when the lexical side returned the product.
    pub lexical: Option<f32>,
    /// The words of the query, as typed, that the product contains.
    pub matched: Vec<String>,
    /// Byte ranges of the product's title that match a word of the query, for highlighting.
    pub title_marks: Vec<std::ops::Range<usize>>,
}

/// Which sides of the engine found a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    Meaning,
    Words,
    Both,
}

impl FoundBy {
    /// As the command line's table says it: `meaning`, `words` or `both`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Meaning => "meaning",
            Self::Words => "words",
            Self::Both => "both",
        }
    }

    /// As a list row marks it in two cells: `m` for meaning, `w` for words.
    pub fn letters(self) -> &'static str {
        match self {
            Self::Meaning => "m ",
            Self::Words => " w",
            Self::Both => "mw",
        }
    }
}

impl Found {
    /// Which sides found it; None for a product listed, not found.
    pub fn found_by(&self) -> Option<FoundBy> {
        match (self.semantic.is_some(), self.lexical.is_some()) {
            (true, true) => Some(FoundBy::Both),
            (true, false) => Some(FoundBy::Meaning),
            (false, true) => Some(FoundBy::Words),
            (false, false) => None,
        }
    }

    /// A product listed, not found: in catalog order, with no score.
    pub fn unranked(index: u32) -> Self {
        Self {
            index,
            score: 0.0,
            semantic: None,
            lexical: None,
            matched: Vec::new(),
            title_marks: Vec::new(),
        }
    }
}

/// Results and how they were found.
#[derive(Debug, Clone)]
pub struct Answer {
    pub hits: Vec<Found>,
    pub mode: Mode,
    /// How the semantic side searched (exact when a filter left few products).
    pub method: Method,
    /// How many products the filter matches; None without one.
    pub matching: Option<usize>,
    /// Time spent embedding the query; None when nothing was embedded.
    pub embed_time: Option<Duration>,
    pub search_time: Duration,
    /// The query was longer than the model's [`crate::embed::MAX_TOKENS`] and was cut.
    pub truncated: bool,
}
