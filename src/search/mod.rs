//! The engine: a catalog with its vectors and index ([`Corpus`], shareable and read-only) and a query embedder that owns the model.

pub mod cache;
mod cache_lock;
mod notice;
mod open;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use notice::{CacheFile, Notice};
pub use open::{
    CHECKPOINT_EVERY, OpenOptions, OpenReport, Progress, Stage, open, open_corpus,
    open_corpus_with_model,
};

use crate::catalog::{Catalog, Product};
use crate::embed::{Embedder, MAX_TOKENS};
use crate::error::{Error, Result};
use crate::index::{self, Graph, Hit, Method, Params, Scratch, Vectors};

/// A catalog, one unit vector per product (same order), and the HNSW graph over them. Never changes once built.
pub struct Corpus {
    pub catalog: Catalog,
    pub vectors: Vectors,
    pub graph: Graph,
    pub params: Params,
}

impl Corpus {
    /// The best `k` products for a typed query's vector.
    pub fn search_text(
        &self,
        query: &[f32],
        k: usize,
        method: Method,
        scratch: &mut Scratch,
    ) -> Vec<Hit> {
        self.search(query, k, method, self.params.ef_search_text, None, scratch)
    }

    /// The best `k` products for a query vector, leaving out `exclude`; `ef` candidates for HNSW.
    fn search(
        &self,
        query: &[f32],
        k: usize,
        method: Method,
        ef: usize,
        exclude: Option<usize>,
        scratch: &mut Scratch,
    ) -> Vec<Hit> {
        match method {
            Method::Hnsw => self
                .graph
                .search(&self.vectors, query, k, ef, exclude, scratch),
            Method::Exact => index::exact::search(&self.vectors, query, k, exclude),
        }
    }

    /// Products like the product at `position`, from its stored vector (no embedding).
    pub fn similar(
        &self,
        position: usize,
        k: usize,
        method: Method,
        scratch: &mut Scratch,
    ) -> Answer {
        let start = Instant::now();
        let hits = self.search(
            self.vectors.row(position),
            k,
            method,
            self.params.ef_search,
            Some(position),
            scratch,
        );
        Answer {
            hits,
            method,
            embed_time: None,
            search_time: start.elapsed(),
            truncated: false,
        }
    }

    pub fn product(&self, hit: &Hit) -> &Product {
        &self.catalog.products[hit.index as usize]
    }
}

/// Results and how they were found.
#[derive(Debug, Clone)]
pub struct Answer {
    pub hits: Vec<Hit>,
    pub method: Method,
    /// Time spent embedding the query; None for product-to-product answers.
    pub embed_time: Option<Duration>,
    pub search_time: Duration,
    /// The query was longer than the model's [`MAX_TOKENS`] and was cut.
    pub truncated: bool,
}

/// A typed query as a vector.
#[derive(Debug, Clone)]
pub struct QueryVector {
    pub vector: Vec<f32>,
    /// The query was longer than the model's [`MAX_TOKENS`] and was cut.
    pub truncated: bool,
}

/// A corpus and the embedder that turns queries into vectors. One owner: `embed` needs `&mut`.
pub struct Engine {
    pub corpus: Arc<Corpus>,
    embedder: Box<dyn Embedder>,
    scratch: Scratch,
}

impl Engine {
    pub fn new(corpus: Arc<Corpus>, embedder: Box<dyn Embedder>) -> Self {
        Self {
            corpus,
            embedder,
            scratch: Scratch::default(),
        }
    }

    /// Embeds a text query. An embedder that returns no vector, or one of another length than
    /// the corpus's, is an error: an empty vector would score 0 against every product.
    pub fn embed_query(&mut self, text: &str) -> Result<QueryVector> {
        let truncated = self.embedder.token_count(text) > MAX_TOKENS;
        let vector = self
            .embedder
            .embed_batch(&[text])?
            .pop()
            .filter(|v| v.len() == self.corpus.vectors.dim())
            .ok_or_else(|| {
                Error::Model(format!(
                    "the model gave no {}-d vector for the query",
                    self.corpus.vectors.dim()
                ))
            })?;
        Ok(QueryVector { vector, truncated })
    }

    /// Products whose meaning is closest to a text query.
    pub fn query(&mut self, text: &str, k: usize, method: Method) -> Result<Answer> {
        let start = Instant::now();
        let QueryVector { vector, truncated } = self.embed_query(text)?;
        let embed_time = start.elapsed();
        let start = Instant::now();
        let hits = self
            .corpus
            .search_text(&vector, k, method, &mut self.scratch);
        Ok(Answer {
            hits,
            method,
            embed_time: Some(embed_time),
            search_time: start.elapsed(),
            truncated,
        })
    }

    /// Products like the product at `position`.
    pub fn similar(&mut self, position: usize, k: usize, method: Method) -> Answer {
        self.corpus.similar(position, k, method, &mut self.scratch)
    }
}
