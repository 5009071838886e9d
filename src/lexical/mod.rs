//! The lexical side of search: a tantivy BM25 index over each product's id, title, brand, category, tags, description and every other text field.
//!
//! Words are lowercased, folded to ASCII, stripped of English stop words and stemmed, so
//! `Mugs` finds `mug`. Ids and the values of other fields (SKU, MPN, GTIN...) are also kept
//! whole, so that `KD-1001` typed whole finds its product first. A product's position in the
//! catalog is a fast field, which is how hits and filters map back to the catalog.

mod store;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use tantivy::collector::{FilterCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub use store::{Opened, open_or_build};

use crate::catalog::{Catalog, Product};
use crate::error::{Error, Result};

/// The analyzer of words: split on anything not alphanumeric, lowercased, folded, stemmed.
const WORDS: &str = "lookalike_words";
/// The analyzer of whole values: the value lowercased, as one term.
const WHOLE: &str = "lookalike_whole";

/// A product found by its words, and its BM25 score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexicalHit {
    pub position: u32,
    pub score: f32,
}

/// The indexed fields and how much a match in each weighs.
#[derive(Debug, Clone, Copy)]
struct Fields {
    position: Field,
    whole: Field,
    title: Field,
    brand: Field,
    category: Field,
    tags: Field,
    description: Field,
    codes: Field,
}

/// A term found in the id or a code field typed whole outweighs any number of words.
const WHOLE_BOOST: f32 = 10.0;

impl Fields {
    fn schema() -> (Schema, Self) {
        let mut builder = Schema::builder();
        let text = |analyzer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let fields = Self {
            position: builder.add_u64_field("position", FAST),
            whole: builder.add_text_field("whole", text(WHOLE)),
            title: builder.add_text_field("title", text(WORDS)),
            brand: builder.add_text_field("brand", text(WORDS)),
            category: builder.add_text_field("category", text(WORDS)),
            tags: builder.add_text_field("tags", text(WORDS)),
            description: builder.add_text_field("description", text(WORDS)),
            codes: builder.add_text_field("codes", text(WORDS)),
        };
        (builder.build(), fields)
    }

    fn of(schema: &Schema) -> tantivy::Result<Self> {
        let field = |name: &str| schema.get_field(name);
        Ok(Self {
            position: field("position")?,
            whole: field("whole")?,
            title: field("title")?,
            brand: field("brand")?,
            category: field("category")?,
            tags: field("tags")?,
            description: field("description")?,
            codes: field("codes")?,
        })
    }

    /// The word fields, each with its weight.
    fn weighted_words(&self) -> [(Field, f32); 6] {
        [
            (self.title, 3.0),
            (self.brand, 2.5),
            (self.codes, 2.0),
            (self.category, 1.5),
            (self.tags, 1.5),
            (self.description, 1.0),
        ]
    }

    fn document(&self, position: usize, product: &Product) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.position, position as u64);
        doc.add_text(self.whole, &product.id);
        doc.add_text(self.codes, &product.id);
        for (_, value) in &product.extra {
            doc.add_text(self.whole, value);
            doc.add_text(self.codes, value);
        }
        doc.add_text(self.title, &product.title);
        doc.add_text(self.brand, &product.brand);
        doc.add_text(self.category, &product.category);
        for tag in &product.tags {
            doc.add_text(self.tags, tag);
        }
        doc.add_text(self.description, &product.description);
        doc
    }
}

/// Registers the analyzers the schema names; an index's analyzers are not stored with it.
fn register_analyzers(index: &Index) {
    let words = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::English).expect("tantivy has English stop words"))
        .filter(Stemmer::new(Language::English))
        .build();
    let whole = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(WORDS, words);
    index.tokenizers().register(WHOLE, whole);
}

/// A catalog's lexical index, open for searching.
pub struct LexicalIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl std::fmt::Debug for LexicalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LexicalIndex")
            .field("documents", &self.len())
            .finish_non_exhaustive()
    }
}

/// One word of a query: as typed, and as the index spells it.
struct QueryWord<'q> {
    typed: &'q str,
    term: String,
}

/// A query as the index reads it: its words, as typed and as indexed, and the whole of it as
/// one term (for ids and codes). Made once per search by [`LexicalIndex::query`].
pub struct LexicalQuery<'q> {
    text: &'q str,
    words: Vec<QueryWord<'q>>,
    whole: Option<String>,
}

impl LexicalIndex {
    fn from_index(index: Index) -> tantivy::Result<Self> {
        register_analyzers(&index);
        let fields = Fields::of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
        })
    }

    /// How many products the index holds.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn analyze(&self, analyzer: &str, text: &str, mut each: impl FnMut(&str, usize, usize)) {
        if let Some(mut analyzer) = self.index.tokenizers().get(analyzer) {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let token = stream.token();
                each(&token.text, token.offset_from, token.offset_to);
            }
        }
    }

    /// Reads `text` as a query.
    pub fn query<'q>(&self, text: &'q str) -> LexicalQuery<'q> {
        LexicalQuery {
            text,
            words: self.query_words(text),
            whole: self.whole_term(text),
        }
    }

    fn query_words<'q>(&self, text: &'q str) -> Vec<QueryWord<'q>> {
        let mut words: Vec<QueryWord> = Vec::new();
        self.analyze(WORDS, text, |term, from, to| {
            if !words.iter().any(|w| w.term == term) {
                words.push(QueryWord {
                    typed: text.get(from..to).unwrap_or_default(),
                    term: term.to_string(),
                });
            }
        });
        words
    }

    fn whole_term(&self, text: &str) -> Option<String> {
        let mut whole = None;
        self.analyze(WHOLE, text.trim(), |term, _, _| {
            whole = Some(term.to_string());
        });
        whole.filter(|t| !t.is_empty())
    }

    /// The `k` products best for `query` by BM25, best first; only those `allowed` admits.
    pub fn search(
        &self,
        query: &LexicalQuery,
        k: usize,
        allowed: Option<Arc<[bool]>>,
    ) -> Result<Vec<LexicalHit>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, term: &str, boost: f32| {
            let query = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost)),
            ));
        };
        for word in &query.words {
            for (field, weight) in self.fields.weighted_words() {
                add(field, &word.term, weight);
            }
        }
        if let Some(whole) = &query.whole {
            add(self.fields.whole, whole, WHOLE_BOOST);
        }
        if clauses.is_empty() || k == 0 {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(k);
        let found = match allowed {
            None => searcher.search(&query, &top),
            Some(allowed) => {
                let admits = move |position: u64| {
                    usize::try_from(position)
                        .ok()
                        .and_then(|p| allowed.get(p).copied())
                        .unwrap_or(false)
                };
                searcher.search(
                    &query,
                    &FilterCollector::new("position".into(), admits, top),
                )
            }
        }
        .map_err(lexical_error)?;
        found
            .into_iter()
            .map(|(score, address)| {
                let column = searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("position")
                    .map_err(lexical_error)?;
                let position = column
                    .first(address.doc_id)
                    .and_then(|p| u32::try_from(p).ok())
                    .ok_or_else(|| Error::Lexical("a document without its position".into()))?;
                Ok(LexicalHit { position, score })
            })
            .collect()
    }

    /// The words of the query, as typed, that `product` contains (in any indexed field), in
    /// query order; the whole query first when it is the product's id or one of its codes.
    pub fn matched(&self, query: &LexicalQuery, product: &Product) -> Vec<String> {
        let mut text = String::new();
        for (_, value) in self.fields.document(0, product).field_values() {
            if let Some(value) = value.as_str() {
                text.push_str(value);
                text.push('\n');
            }
        }
        let mut present: HashSet<&str> = HashSet::new();
        self.analyze(WORDS, &text, |term, _, _| {
            if let Some(word) = query.words.iter().find(|w| w.term == term) {
                present.insert(&word.term);
            }
        });
        let mut matched: Vec<String> = Vec::new();
        if let Some(whole) = &query.whole
            && (*whole == product.id.to_lowercase()
                || product
                    .extra
                    .iter()
                    .any(|(_, v)| v.to_lowercase() == *whole))
        {
            matched.push(query.text.trim().to_string());
        }
        for word in &query.words {
            if present.contains(word.term.as_str()) && !matched.iter().any(|m| m == word.typed) {
                matched.push(word.typed.to_string());
            }
        }
        matched
    }

    /// Byte ranges of `shown` (a title) whose words are words of the query.
    pub fn marks(&self, query: &LexicalQuery, shown: &str) -> Vec<std::ops::Range<usize>> {
        let mut marks = Vec::new();
        self.analyze(WORDS, shown, |term, from, to| {
            if query.words.iter().any(|w| w.term == term) {
                marks.push(from..to);
            }
        });
        marks
    }
}

impl LexicalQuery<'_> {
    /// How much of the query a product with these `matched` words matches, from 0 to 1: the
    /// share of the query's words it has (all of them when its id or a code is the whole query).
    pub fn coverage(&self, matched: &[String]) -> f32 {
        let words = self.words.len().max(1);
        (matched.len() as f32 / words as f32).min(1.0)
    }
}

/// The indexing thread's memory budget: room for 1M products in few segments.
const WRITER_MEMORY: usize = 512_000_000;

/// Indexes every product of `catalog` into `index` (empty, with [`Fields::schema`]).
fn fill(
    index: &Index,
    catalog: &Catalog,
    progress: &mut dyn FnMut(usize, usize),
) -> tantivy::Result<()> {
    register_analyzers(index);
    let fields = Fields::of(&index.schema())?;
    // One indexing thread: when a write fails (a full disk), tantivy's commit returns at the
    // first failed worker and leaves any other worker running detached, still writing files into
    // a directory the caller is about to remove. One thread is joined before commit returns.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let total = catalog.len();
    let added = (|| {
        for (position, product) in catalog.products.iter().enumerate() {
            writer.add_document(fields.document(position, product))?;
            if position % 4096 == 0 {
                progress(position, total);
            }
        }
        writer.commit().map(drop)
    })();
    // Every thread of the writer is joined before returning, on failure too: dropping a writer
    // leaves its segment updater running, and a file it writes after the caller removed the
    // directory would be left behind.
    let joined = writer.wait_merging_threads();
    added.and(joined)?;
    progress(total, total);
    Ok(())
}

/// A lexical index of `catalog` held in memory, for runs without a cache.
pub fn in_memory(
    catalog: &Catalog,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<LexicalIndex> {
    let (schema, _) = Fields::schema();
    let index = Index::create_in_ram(schema);
    fill(&index, catalog, progress).map_err(lexical_error)?;
    LexicalIndex::from_index(index).map_err(lexical_error)
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(lexical_error)`
fn lexical_error(e: tantivy::TantivyError) -> Error {
    Error::Lexical(e.to_string())
}

/// Opens the index in `dir`, if it is whole and holds `expected` products.
fn open_dir(dir: &Path, expected: usize) -> std::result::Result<LexicalIndex, String> {
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    let damaged = index.validate_checksum().map_err(|e| e.to_string())?;
    if let Some(file) = damaged.iter().next() {
        return Err(format!("its file {} fails its checksum", file.display()));
    }
    let opened = LexicalIndex::from_index(index).map_err(|e| e.to_string())?;
    if opened.len() != expected {
        return Err(format!(
            "it holds {} products where the catalog has {expected}",
            opened.len()
        ));
    }
    Ok(opened)
}

#[cfg(test)]
mod tests;
