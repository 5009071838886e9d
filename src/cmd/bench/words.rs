//! The word-index section of `lookalike bench`: building the lexical index into a fresh directory, its size on disk, reopening it, and BM25 queries on their own.

use std::path::Path;
use std::time::{Duration, Instant};

use super::stats::Percentiles;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::lexical;

/// What the word index costs and how fast it answers.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct WordsBench {
    pub build_s: f64,
    pub size_mb: f64,
    pub reopen_s: f64,
    pub queries: usize,
    /// Reading the query and ranking the top 10 by BM25, as lexical mode does before display.
    pub query: Percentiles,
}

fn size_of_dir(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|entry| match entry.metadata() {
                Ok(m) if m.is_dir() => size_of_dir(&entry.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            })
            .sum()
    })
}

/// Builds `catalog`'s word index in a temporary directory, reopens it, and times `queries` on it.
pub fn measure(catalog: &Catalog, queries: &[String]) -> Result<WordsBench> {
    let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut notices = Vec::new();
    let start = Instant::now();
    drop(lexical::open_or_build(
        catalog,
        Some(dir.path()),
        &mut |_, _| {},
        &mut notices,
    )?);
    let build = start.elapsed();
    let start = Instant::now();
    let reopened = lexical::open_or_build(catalog, Some(dir.path()), &mut |_, _| {}, &mut notices)?;
    let reopen = start.elapsed();
    if !reopened.from_cache {
        return Err(Error::Lexical(format!(
            "{}: the word index just built did not reopen: {}",
            dir.path().display(),
            notices
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let index = reopened.index;
    let mut latency: Vec<Duration> = Vec::with_capacity(queries.len());
    for query in queries {
        let start = Instant::now();
        index.search(&index.query(query), 10, None)?;
        latency.push(start.elapsed());
    }
    Ok(WordsBench {
        build_s: build.as_secs_f64(),
        size_mb: size_of_dir(dir.path()) as f64 / (1024.0 * 1024.0),
        reopen_s: reopen.as_secs_f64(),
        queries: queries.len(),
        query: Percentiles::of(&mut latency),
    })
}

impl std::fmt::Display for WordsBench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "word index         built in {:.2} s, {:.1} MB, reopened in {:.3} s; BM25 query alone {}  ({} queries)",
            self.build_s, self.size_mb, self.reopen_s, self.query, self.queries
        )
    }
}
