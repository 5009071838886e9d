//! Opening a catalog for search: load, reuse cached vectors, embed only what changed, load or build the graph, report progress.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::notice::{CacheFile, Notice};
use super::{Corpus, Engine};
use super::{cache, cache_lock};
use crate::catalog::{Catalog, LoadOptions, Source, snapshot};
use crate::config::Settings;
use crate::embed::bulk::{Batching, CHUNK, embed_all, embedding_order};
use crate::embed::provision::ModelFiles;
use crate::embed::{Embedder, ModelIdentity, OnnxEmbedder, Threads};
use crate::error::{Error, Result};
use crate::filter::{Facets, Schema};
use crate::index::{self, Graph, Params, Vectors};
use crate::lexical::{self, LexicalIndex};

/// What is happening while a catalog opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Loading,
    /// Another lookalike holds this catalog's cache: waiting until it is done, to reuse its work.
    WaitingForCache,
    LoadingModel,
    /// Building the lexical index of the catalog's words.
    IndexingWords,
    Embedding,
    Indexing,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Loading => "loading catalog",
            Self::WaitingForCache => "waiting for another lookalike using this catalog's cache",
            Self::LoadingModel => "loading model",
            Self::IndexingWords => "indexing words",
            Self::Embedding => "embedding",
            Self::Indexing => "indexing",
        })
    }
}

/// A progress report: a stage, and how far it is (`total` 0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// What to open and how.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub settings: Settings,
    pub catalog: PathBuf,
    pub load: LoadOptions,
    /// Root of the cache dir; None to neither read nor write caches.
    pub cache_root: Option<PathBuf>,
    pub batching: Batching,
    /// How often a long embedding run saves the vectors it has so far ([`CHECKPOINT_EVERY`] by default).
    pub checkpoint_every: Duration,
}

/// How often a long embedding run saves its work: a write costs about a second per 300k products.
pub const CHECKPOINT_EVERY: Duration = Duration::from_mins(2);

/// What opening did, with counts and timings.
#[derive(Debug, Clone, Default)]
pub struct OpenReport {
    pub products: usize,
    pub skipped: usize,
    pub embedded: usize,
    pub reused: usize,
    pub load_time: Duration,
    pub embed_time: Duration,
    pub index_time: Duration,
    /// Opening or building the lexical index.
    pub lexical_time: Duration,
    /// Loading the one-thread query model, which runs beside the rest of opening.
    pub query_model_time: Duration,
    pub graph_from_cache: bool,
    /// The lexical index was opened from the cache, not built.
    pub lexical_from_cache: bool,
    /// One-line notices for the user (a cache that was ignored, or could not be written).
    pub notices: Vec<Notice>,
}

/// Opens a catalog into a [`Corpus`]; `make_embedder` is called only if something must be embedded.
pub fn open_corpus(
    options: &OpenOptions,
    model: &ModelIdentity,
    make_embedder: &mut dyn FnMut() -> Result<Box<dyn Embedder>>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Corpus, OpenReport)> {
    let mut report = OpenReport::default();
    let start = Instant::now();
    progress(Progress {
        stage: Stage::Loading,
        done: 0,
        total: 0,
    });
    let dir = options
        .cache_root
        .as_ref()
        .map(|root| cache::catalog_dir(root, &options.catalog));
    let snapshot_path = dir.as_ref().map(|d| d.join("catalog.bin"));
    let (catalog, unsaved_snapshot) = load_catalog(options, snapshot_path.as_deref(), &mut report)?;
    let template = &options.settings.template;
    // Texts are kept only if something must be embedded: at 100k products they are 30 MB.
    let keys: Vec<u128> = catalog
        .products
        .par_iter()
        .map(|p| cache::entry_key(&model.id, template.source(), &template.render(p)))
        .collect();
    report.products = catalog.len();
    report.skipped = catalog.skipped.len();

    let _lock = dir.as_ref().and_then(|d| {
        cache_lock::acquire(d, &mut || {
            progress(Progress {
                stage: Stage::WaitingForCache,
                done: 0,
                total: 0,
            });
        })
    });
    // Written under the lock: a lock holder removes temporary files it did not write.
    if let (Some(path), Some(key)) = (&snapshot_path, unsaved_snapshot) {
        // One that cannot be written is not news: the vectors' write says the cache is unwritable.
        let _ = cache::write_catalog(path, key, &catalog);
    }
    let (lexical, schema, facets) = open_words(&catalog, dir.as_deref(), progress, &mut report)?;
    let vectors_path = dir.as_ref().map(|d| d.join("vectors.bin"));
    let graph_path = dir.as_ref().map(|d| d.join("graph.bin"));
    let cached = read_cached_vectors(vectors_path.as_deref(), model, &mut report);
    report.load_time = start.elapsed().saturating_sub(report.lexical_time);

    let start = Instant::now();
    let vectors = match cached {
        Some(cached) if cached.keys == keys => {
            report.reused = keys.len();
            cached.vectors
        }
        cached => {
            let texts: Vec<String> = catalog
                .products
                .par_iter()
                .map(|p| template.render(p))
                .collect();
            let vectors = embed_missing(
                &texts,
                &keys,
                model.dim,
                cached.as_ref(),
                options,
                make_embedder,
                progress,
                &mut report,
                &mut |known_keys, known_vectors| {
                    vectors_path.as_ref().is_some_and(|path| {
                        cache::write_vectors(path, &model.id, known_keys, known_vectors).is_ok()
                    })
                },
            )?;
            if let Some(path) = &vectors_path
                && let Err(e) = cache::write_vectors(path, &model.id, &keys, &vectors)
            {
                Notice::add_unwritable(&mut report.notices, &e);
            }
            vectors
        }
    };
    report.embed_time = start.elapsed();

    let start = Instant::now();
    let params = Params::from(options.settings.config.index);
    let graph = load_or_build_graph(
        &vectors,
        &keys,
        params,
        graph_path.as_deref(),
        &model.id,
        progress,
        &mut report,
    );
    report.index_time = start.elapsed();
    Ok((
        Corpus {
            catalog,
            vectors,
            graph,
            params,
            lexical,
            schema,
            facets,
        },
        report,
    ))
}

/// The catalog's lexical index (from the cache, or built), the fields its filters can name and
/// their values.
fn open_words(
    catalog: &Catalog,
    dir: Option<&Path>,
    progress: &mut dyn FnMut(Progress),
    report: &mut OpenReport,
) -> Result<(LexicalIndex, Schema, Facets)> {
    let start = Instant::now();
    let opened = lexical::open_or_build(
        catalog,
        dir,
        &mut |done, total| {
            progress(Progress {
                stage: Stage::IndexingWords,
                done,
                total,
            });
        },
        &mut report.notices,
    )?;
    report.lexical_from_cache = opened.from_cache;
    let schema = Schema::of(&catalog.products);
    let facets = Facets::of(&catalog.products, &schema);
    report.lexical_time = start.elapsed();
    Ok((opened.index, schema, facets))
}

/// The cached vectors, if there are any and they pass their checks (a failed one is a notice).
fn read_cached_vectors(
    path: Option<&Path>,
    model: &ModelIdentity,
    report: &mut OpenReport,
) -> Option<cache::CachedVectors> {
    match cache::read_vectors(path?, &model.id, model.dim) {
        Ok(cached) => cached,
        Err(why) => {
            report.notices.push(Notice::Rebuilt {
                cache: CacheFile::Vectors,
                why,
            });
            None
        }
    }
}

/// The catalog from its snapshot if the file and load options are unchanged, else parsed; with
/// the key to save a snapshot under when there was none to use.
fn load_catalog(
    options: &OpenOptions,
    snapshot_path: Option<&Path>,
    report: &mut OpenReport,
) -> Result<(Catalog, Option<u128>)> {
    let Some(path) = snapshot_path else {
        return Ok((Catalog::load(&options.catalog, &options.load)?, None));
    };
    let read = || -> Result<(Source, u128)> {
        let source = Source::read(&options.catalog, &options.load)?;
        let key = snapshot::key(&source, &options.load);
        Ok((source, key))
    };
    let (source, key) = read()?;
    // The file's bytes are not kept while the snapshot is read: at 100k products each is 33 MB.
    drop(source);
    match cache::read_catalog(path, key, &options.catalog) {
        Ok(Some(catalog)) => return Ok((catalog, None)),
        // A changed catalog file is expected; only a damaged snapshot is news.
        Err(why) if !why.is_stale() => report.notices.push(Notice::Rebuilt {
            cache: CacheFile::Snapshot,
            why,
        }),
        _ => {}
    }
    // Read again, and keyed by what is parsed, in case the file changed in between.
    let (source, key) = read()?;
    let catalog = Catalog::parse(
        &options.catalog,
        source.format,
        &source.bytes,
        &options.load,
    )?;
    Ok((catalog, Some(key)))
}

/// The graph from its cache if it matches these vectors and parameters, else built (and cached).
fn load_or_build_graph(
    vectors: &Vectors,
    keys: &[u128],
    params: Params,
    path: Option<&Path>,
    model_id: &str,
    progress: &mut dyn FnMut(Progress),
    report: &mut OpenReport,
) -> Graph {
    let key = cache::graph_key(keys, params);
    match path.map(|p| cache::read_graph(p, model_id, key, vectors.len())) {
        Some(Ok(Some(graph))) => {
            report.graph_from_cache = true;
            return graph;
        }
        // A stale index is expected after re-embedding; only a damaged one is news.
        Some(Err(why)) if report.embedded == 0 => {
            report.notices.push(Notice::Rebuilt {
                cache: CacheFile::Graph,
                why,
            });
        }
        _ => {}
    }
    let mut report_progress = |done, total| {
        progress(Progress {
            stage: Stage::Indexing,
            done,
            total,
        });
    };
    report_progress(0, vectors.len());
    let graph = index::build(vectors, params, &mut report_progress);
    if let Some(path) = path
        && let Err(e) = cache::write_graph(path, model_id, key, &graph)
    {
        Notice::add_unwritable(&mut report.notices, &e);
    }
    graph
}

/// Texts embedded between looks at the clock for a checkpoint: a whole number of bulk chunks, so
/// the batches are the same whether a run checkpoints, resumes, or neither.
const CHECKPOINT_SLICE: usize = 4 * CHUNK;

/// Vectors for every text: reused from the cache where the key matches, embedded otherwise.
/// A long run saves what it has every `options.checkpoint_every` through `checkpoint`, so that a
/// run killed part way resumes where it stopped.
#[allow(clippy::too_many_arguments)]
fn embed_missing(
    texts: &[String],
    keys: &[u128],
    dim: usize,
    cached: Option<&cache::CachedVectors>,
    options: &OpenOptions,
    make_embedder: &mut dyn FnMut() -> Result<Box<dyn Embedder>>,
    progress: &mut dyn FnMut(Progress),
    report: &mut OpenReport,
    checkpoint: &mut dyn FnMut(&[u128], &Vectors) -> bool,
) -> Result<Vectors> {
    let lookup = cached.map(cache::CachedVectors::lookup).unwrap_or_default();
    // Each distinct text not in the cache, once: catalogs repeat texts (variants, re-listings).
    let mut fresh_row: HashMap<u128, usize> = HashMap::new();
    let mut missing_texts: Vec<&str> = Vec::new();
    for (text, key) in texts.iter().zip(keys) {
        if !lookup.contains_key(key) && !fresh_row.contains_key(key) {
            fresh_row.insert(*key, missing_texts.len());
            missing_texts.push(text);
        }
    }
    report.embedded = missing_texts.len();
    report.reused = keys.iter().filter(|k| lookup.contains_key(k)).count();
    let mut fresh: Vec<Vec<f32>> = vec![Vec::new(); missing_texts.len()];
    let known = |fresh: &[Vec<f32>]| {
        let mut known_keys = Vec::with_capacity(keys.len());
        let mut data = Vec::with_capacity(keys.len() * dim);
        for key in keys {
            let row = match (lookup.get(key), cached) {
                (Some(&row), Some(cached)) => cached.vectors.row(row),
                _ => &fresh[fresh_row[key]],
            };
            if !row.is_empty() {
                known_keys.push(*key);
                data.extend_from_slice(row);
            }
        }
        (known_keys, Vectors::from_flat(dim, data))
    };
    if !missing_texts.is_empty() {
        progress(Progress {
            stage: Stage::LoadingModel,
            done: 0,
            total: 0,
        });
        let mut embedder = make_embedder()?;
        if embedder.dim() != dim {
            return Err(Error::Model(format!(
                "the model makes {}-d vectors, its files say {dim}",
                embedder.dim()
            )));
        }
        let total = missing_texts.len();
        progress(Progress {
            stage: Stage::Embedding,
            done: 0,
            total,
        });
        let order = embedding_order(embedder.as_ref(), &missing_texts, options.batching);
        let (mut done, mut saved_at, mut saving) = (0, Instant::now(), true);
        for slice in order.chunks(CHECKPOINT_SLICE) {
            let slice_texts: Vec<&str> = slice.iter().map(|&i| missing_texts[i]).collect();
            let vectors = embed_all(
                embedder.as_mut(),
                &slice_texts,
                options.settings.config.embed.batch_size,
                Batching::InOrder,
                &mut |slice_done, _| {
                    progress(Progress {
                        stage: Stage::Embedding,
                        done: done + slice_done,
                        total,
                    });
                },
            )?;
            for (&i, vector) in slice.iter().zip(vectors) {
                fresh[i] = vector;
            }
            done += slice.len();
            if saving && done < total && saved_at.elapsed() >= options.checkpoint_every {
                let (known_keys, vectors) = known(&fresh);
                // A checkpoint that cannot be written is not news: the final write says so.
                saving = checkpoint(&known_keys, &vectors);
                saved_at = Instant::now();
            }
        }
    }
    Ok(known(&fresh).1)
}

/// [`open_corpus`] with the real model for bulk embedding (all cores).
pub fn open_corpus_with_model(
    options: &OpenOptions,
    files: &ModelFiles,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Corpus, OpenReport)> {
    open_corpus(
        options,
        &files.identity,
        &mut || Ok(Box::new(OnnxEmbedder::load(files, Threads::All)?) as Box<dyn Embedder>),
        progress,
    )
}

/// Opens a catalog with the real model: all cores for bulk embedding, `embed.query_threads` for queries.
/// The query model loads on a thread of its own while the catalog opens, so neither waits on the other.
pub fn open(
    options: &OpenOptions,
    files: &ModelFiles,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Engine, OpenReport)> {
    let (opened, embedder) = std::thread::scope(|scope| {
        let query_model = scope.spawn(|| {
            let start = Instant::now();
            let threads = Threads::for_queries(&options.settings.config.embed);
            OnnxEmbedder::load(files, threads).map(|embedder| (embedder, start.elapsed()))
        });
        let opened = open_corpus_with_model(options, files, progress);
        if opened.is_ok() && !query_model.is_finished() {
            progress(Progress {
                stage: Stage::LoadingModel,
                done: 0,
                total: 0,
            });
        }
        let embedder = query_model
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (opened, embedder)
    });
    let (corpus, mut report) = opened?;
    let (embedder, model_time) = embedder?;
    report.query_model_time = model_time;
    Ok((Engine::new(Arc::new(corpus), Box::new(embedder)), report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::bulk::tests::{HASH_DIM, HashEmbedder};

    /// The stand-in embedder, failing once it has embedded `budget` texts: a run that dies part way.
    struct DyingEmbedder {
        inner: HashEmbedder,
        budget: usize,
    }

    impl Embedder for DyingEmbedder {
        fn dim(&self) -> usize {
            self.inner.dim()
        }

        fn token_count(&self, text: &str) -> usize {
            self.inner.token_count(text)
        }

        fn embed_batch(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
            if texts.len() > self.budget {
                return Err(crate::error::Error::Model("killed".into()));
            }
            self.budget -= texts.len();
            self.inner.embed_batch(texts)
        }
    }

    fn open_with(options: &OpenOptions, budget: usize) -> Result<(Corpus, OpenReport)> {
        open_corpus(
            options,
            &ModelIdentity {
                id: "hash-embedder".into(),
                dim: HASH_DIM,
            },
            &mut || {
                Ok(Box::new(DyingEmbedder {
                    inner: HashEmbedder {
                        batches: Vec::new(),
                    },
                    budget,
                }) as Box<dyn Embedder>)
            },
            &mut |_| {},
        )
    }

    fn options_for(
        catalog: &Path,
        settings: &str,
        cache_root: PathBuf,
        checkpoint_every: Duration,
    ) -> OpenOptions {
        OpenOptions {
            settings: Settings::parse(settings, None).unwrap(),
            catalog: catalog.to_path_buf(),
            load: LoadOptions::default(),
            cache_root: Some(cache_root),
            batching: Batching::LengthGrouped,
            checkpoint_every,
        }
    }

    #[test]
    fn a_damaged_catalog_snapshot_is_said_and_replaced_by_the_parsed_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("products.jsonl");
        std::fs::write(
            &catalog,
            "{\"id\": \"a\", \"title\": \"Steel mug\"}\n{\"id\": \"b\", \"title\": \"Oak table\"}",
        )
        .unwrap();
        let options = options_for(&catalog, "", dir.path().join("cache"), CHECKPOINT_EVERY);
        let (parsed, _) = open_with(&options, usize::MAX).unwrap();
        let snapshot = cache::catalog_dir(&dir.path().join("cache"), &catalog).join("catalog.bin");
        let mut bytes = std::fs::read(&snapshot).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        std::fs::write(&snapshot, bytes).unwrap();
        let (reread, report) = open_with(&options, 0).unwrap();
        assert_eq!(reread.catalog.products, parsed.catalog.products);
        assert!(
            report.notices.iter().any(|n| matches!(
                n,
                Notice::Rebuilt {
                    cache: CacheFile::Snapshot,
                    ..
                }
            )),
            "{:?}",
            report.notices
        );
        let (again, report) = open_with(&options, 0).unwrap();
        assert_eq!(again.catalog.products, parsed.catalog.products);
        assert!(report.notices.is_empty(), "{:?}", report.notices);
    }

    #[test]
    fn a_run_that_dies_part_way_resumes_from_its_last_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("products.jsonl");
        let n = 2 * CHECKPOINT_SLICE + 500;
        let lines: Vec<String> = (0..n as u64)
            .map(|i| {
                let p = crate::catalog::synthetic::product(3, i);
                serde_json::json!({"id": p.id, "title": format!("{} {i}", p.title), "description": p.description})
                    .to_string()
            })
            .collect();
        std::fs::write(&catalog, lines.join("\n")).unwrap();
        let options = |cache: &str| {
            // A small graph: building it is not what is tested.
            let settings = "[index]\nm = 4\nef_construction = 8\n";
            options_for(&catalog, settings, dir.path().join(cache), Duration::ZERO)
        };
        let resumed = options("resumed");
        // Dies in the third slice, after two checkpoints.
        assert!(open_with(&resumed, 2 * CHECKPOINT_SLICE + 100).is_err());
        let (corpus, report) = open_with(&resumed, usize::MAX).unwrap();
        assert_eq!(report.reused, 2 * CHECKPOINT_SLICE);
        assert_eq!(report.embedded, n - 2 * CHECKPOINT_SLICE);
        let (clean, clean_report) = open_with(&options("clean"), usize::MAX).unwrap();
        assert_eq!(clean_report.embedded, n);
        assert_eq!(corpus.vectors, clean.vectors);
        // And the cache it leaves is whole: the next run embeds nothing.
        assert_eq!(open_with(&resumed, 0).unwrap().1.reused, n);
    }
}
