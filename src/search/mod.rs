//! The engine: a catalog with its vectors, HNSW graph and lexical index ([`Corpus`], shareable and read-only), and a query embedder that owns the model; it answers [`SearchRequest`]s.

pub mod cache;
mod cache_lock;
mod fusion;
mod notice;
mod open;
mod request;
mod steering;

use std::sync::Arc;
use std::time::Instant;

pub use notice::{CacheFile, Notice};
pub use open::{
    CHECKPOINT_EVERY, OpenOptions, OpenReport, Progress, Stage, open, open_corpus,
    open_corpus_with_model,
};
pub use request::{
    Answer, DEFAULT_SEMANTIC_RATIO, Examples, Found, FoundBy, Input, Mode, SearchRequest, Steering,
};

use crate::catalog::{Catalog, Product};
use crate::embed::{Embedder, MAX_TOKENS};
use crate::error::{Error, Result};
use crate::filter::{Facets, Filter, Schema};
use crate::index::{self, Admit, Graph, Hit, Method, Params, Scratch, Vectors};
use crate::lexical::LexicalIndex;
use fusion::{Covered, Fused};

/// A catalog, one unit vector per product (same order), the HNSW graph over them, the lexical
/// index of their words, and the fields a filter can name. Never changes once built.
pub struct Corpus {
    pub catalog: Catalog,
    pub vectors: Vectors,
    pub graph: Graph,
    pub params: Params,
    pub lexical: LexicalIndex,
    pub schema: Schema,
    /// Each field's values and their counts, for completing filters.
    pub facets: Facets,
}

/// The products a filter matches, by catalog position.
#[derive(Debug, Clone)]
pub struct Allowed {
    mask: Arc<[bool]>,
    count: usize,
}

impl Allowed {
    /// How many products match.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether each product, by catalog position, matches.
    pub fn mask(&self) -> &[bool] {
        &self.mask
    }
}

/// How many results each side hands to the fusion at least: products a little down one list
/// may be near the top of the other.
const FUSION_DEPTH: usize = 50;

impl Corpus {
    /// The products `filter` matches; an expression that does not parse or names what the
    /// catalog does not have is [`Error::Filter`].
    pub fn allowed(&self, filter: &str) -> Result<Allowed> {
        let compiled = Filter::parse(filter, &self.schema).map_err(|error| Error::Filter {
            text: filter.trim().to_string(),
            error,
        })?;
        let selection = compiled.select(&self.catalog.products);
        Ok(Allowed {
            mask: (0..selection.len()).map(|p| selection.allows(p)).collect(),
            count: selection.count(),
        })
    }

    /// The `k` products nearest `vector` that `allowed` admits (all without it), never one of
    /// `excluded`; see [`index::nearest`].
    #[allow(clippy::too_many_arguments)]
    pub fn nearest(
        &self,
        vector: &[f32],
        k: usize,
        method: Method,
        ef: usize,
        allowed: Option<&Allowed>,
        excluded: &[u32],
        scratch: &mut Scratch,
    ) -> (Vec<Hit>, Method) {
        let admit = Admit {
            mask: allowed.map(|a| &*a.mask),
            excluded,
        };
        index::nearest(
            &self.graph,
            &self.vectors,
            vector,
            k,
            method,
            ef,
            admit,
            scratch,
        )
    }

    /// Answers a request whose text, if any, is already embedded as `vector` (None in lexical mode).
    pub fn answer(
        &self,
        request: &SearchRequest,
        vector: Option<&[f32]>,
        allowed: Option<&Allowed>,
        scratch: &mut Scratch,
    ) -> Result<Answer> {
        let start = Instant::now();
        let (hits, method) = self.rank(request, vector, allowed, scratch)?;
        Ok(Answer {
            hits,
            mode: request.mode,
            method,
            matching: allowed.map(Allowed::count),
            embed_time: None,
            search_time: start.elapsed(),
            truncated: false,
        })
    }

    fn rank(
        &self,
        request: &SearchRequest,
        vector: Option<&[f32]>,
        allowed: Option<&Allowed>,
        scratch: &mut Scratch,
    ) -> Result<(Vec<Found>, Method)> {
        let k = request.k;
        match &request.input {
            Input::Like(examples) => {
                let (hits, method) = self.steer(examples, k, request.method, allowed, scratch)?;
                let found = hits.into_iter().map(|h| Found {
                    index: h.index,
                    score: h.score,
                    semantic: Some(h.score),
                    lexical: None,
                    matched: Vec::new(),
                    title_marks: Vec::new(),
                });
                Ok((found.collect(), method))
            }
            Input::Text(text) => {
                let depth = match request.mode {
                    Mode::Hybrid => k.max(FUSION_DEPTH),
                    Mode::Semantic | Mode::Lexical => k,
                };
                let (semantic, method) = match vector {
                    Some(vector) if request.mode != Mode::Lexical => self.nearest(
                        vector,
                        depth,
                        request.method,
                        self.params.ef_search_text,
                        allowed,
                        &[],
                        scratch,
                    ),
                    _ => (Vec::new(), request.method),
                };
                let words = self.lexical.query(text);
                let lexical = if request.mode == Mode::Semantic {
                    Vec::new()
                } else {
                    self.lexical
                        .search(&words, depth, allowed.map(|a| Arc::clone(&a.mask)))?
                };
                let fused: Vec<Fused> = match request.mode {
                    Mode::Hybrid => {
                        let covered: Vec<Covered> = lexical
                            .iter()
                            .map(|&hit| {
                                let product = self.product_at(hit.position);
                                let coverage =
                                    words.coverage(&self.lexical.matched(&words, product));
                                Covered { hit, coverage }
                            })
                            .collect();
                        fusion::fuse(&semantic, &covered, request.semantic_ratio, k)
                    }
                    Mode::Semantic => semantic.iter().map(|h| Fused::semantic(*h)).collect(),
                    Mode::Lexical => lexical.iter().map(|h| Fused::lexical(*h)).collect(),
                };
                let found = fused.into_iter().map(|f| {
                    let product = self.product_at(f.index);
                    Found {
                        index: f.index,
                        score: f.score,
                        semantic: f.semantic,
                        lexical: f.lexical,
                        matched: self.lexical.matched(&words, product),
                        title_marks: self.lexical.marks(&words, &product.title),
                    }
                });
                Ok((found.collect(), method))
            }
        }
    }

    /// The `k` products most like `examples`' positives and least like their negatives, by
    /// their strategy; never one of the examples.
    fn steer(
        &self,
        examples: &Examples,
        k: usize,
        method: Method,
        allowed: Option<&Allowed>,
        scratch: &mut Scratch,
    ) -> Result<(Vec<Hit>, Method)> {
        let rows = |positions: &[usize]| -> Result<Vec<&[f32]>> {
            positions
                .iter()
                .map(|&p| {
                    (p < self.vectors.len())
                        .then(|| self.vectors.row(p))
                        .ok_or_else(|| {
                            Error::Usage(format!(
                                "no product at position {p} of {}",
                                self.vectors.len()
                            ))
                        })
                })
                .collect()
        };
        let positive = rows(&examples.positive)?;
        let negative = rows(&examples.negative)?;
        if positive.is_empty() {
            return Err(Error::Usage(
                "no product to find look-alikes of; expected at least one".into(),
            ));
        }
        let excluded: Vec<u32> = examples
            .positive
            .iter()
            .chain(&examples.negative)
            .map(|&p| p as u32)
            .collect();
        let ef = self.params.ef_search;
        match examples.strategy {
            Steering::AverageVector => {
                let query = steering::average_vector(&positive, &negative);
                Ok(self.nearest(&query, k, method, ef, allowed, &excluded, scratch))
            }
            Steering::BestScore => {
                // Candidates: each positive's own neighbours; each is then scored against all examples.
                let depth = k.max(FUSION_DEPTH);
                let mut candidates = Vec::new();
                let mut method_used = method;
                for row in &positive {
                    let (hits, used) =
                        self.nearest(row, depth, method, ef, allowed, &excluded, scratch);
                    candidates.extend(hits.into_iter().map(|h| h.index));
                    if used == Method::Exact {
                        method_used = Method::Exact;
                    }
                }
                let hits = steering::best_score(&self.vectors, candidates, &positive, &negative, k);
                Ok((hits, method_used))
            }
        }
    }

    pub fn product(&self, hit: &Found) -> &Product {
        self.product_at(hit.index)
    }

    pub fn product_at(&self, index: u32) -> &Product {
        &self.catalog.products[index as usize]
    }
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
    /// The last filter's text and matches: an app sends the same filter with every keystroke.
    last_filter: Option<(String, Arc<Allowed>)>,
}

impl Engine {
    pub fn new(corpus: Arc<Corpus>, embedder: Box<dyn Embedder>) -> Self {
        Self {
            corpus,
            embedder,
            scratch: Scratch::default(),
            last_filter: None,
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

    /// The products `filter` matches (None for no filter or an empty one), kept for the next request.
    pub fn allowed(&mut self, filter: Option<&str>) -> Result<Option<Arc<Allowed>>> {
        let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
            return Ok(None);
        };
        if let Some((text, allowed)) = &self.last_filter
            && text == filter
        {
            return Ok(Some(Arc::clone(allowed)));
        }
        let allowed = Arc::new(self.corpus.allowed(filter)?);
        self.last_filter = Some((filter.to_string(), Arc::clone(&allowed)));
        Ok(Some(allowed))
    }

    /// Answers a search: embeds its text unless the mode is lexical, applies its filter, ranks.
    pub fn search(&mut self, request: &SearchRequest) -> Result<Answer> {
        let allowed = self.allowed(request.filter.as_deref())?;
        let (query, embed_time) = match &request.input {
            Input::Text(text) if request.mode != Mode::Lexical => {
                let start = Instant::now();
                (Some(self.embed_query(text)?), Some(start.elapsed()))
            }
            _ => (None, None),
        };
        let answer = self.corpus.answer(
            request,
            query.as_ref().map(|q| q.vector.as_slice()),
            allowed.as_deref(),
            &mut self.scratch,
        )?;
        Ok(Answer {
            embed_time,
            truncated: query.is_some_and(|q| q.truncated),
            ..answer
        })
    }
}

#[cfg(test)]
pub(crate) mod tests;
