//! The lexical index on disk: one directory per catalog content in the catalog's cache directory, built beside it and renamed into place, checked when opened.

use std::path::{Path, PathBuf};

use tantivy::Index;
use xxhash_rust::xxh3::Xxh3;

use super::{Fields, LexicalIndex, fill, in_memory, open_dir};
use crate::atomic_file::AtomicDir;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::search::{CacheFile, Notice};
use crate::store::Unusable;

/// Changes whenever what is indexed, or how, changes: older directories are then stale.
const LEXICAL_FORMAT: u32 = 1;

/// Names every lexical index directory, before its key.
const PREFIX: &str = "lexical-";

/// A key over everything the index is made of: each product's position and indexed fields.
fn key(catalog: &Catalog) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&LEXICAL_FORMAT.to_le_bytes());
    for product in &catalog.products {
        let extra = product.extra.iter().map(|(_, value)| value.as_str());
        let tags = product.tags.iter().map(String::as_str);
        let fields = [
            product.id.as_str(),
            &product.title,
            &product.brand,
            &product.category,
            &product.description,
        ];
        for part in fields.into_iter().chain(tags).chain(extra) {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.update(&[1]);
    }
    hasher.digest128()
}

/// A lexical index, and whether it was opened from the cache rather than built.
pub struct Opened {
    pub index: LexicalIndex,
    pub from_cache: bool,
}

/// The catalog's lexical index: opened from `cache_dir` when one for this content is there and
/// whole, else built (into `cache_dir`, or in memory without one). A damaged index is a
/// notice and is rebuilt; one that cannot be written is a notice and is kept in memory.
pub fn open_or_build(
    catalog: &Catalog,
    cache_dir: Option<&Path>,
    progress: &mut dyn FnMut(usize, usize),
    notices: &mut Vec<Notice>,
) -> Result<Opened> {
    let built = |index| Opened {
        index,
        from_cache: false,
    };
    let Some(cache_dir) = cache_dir else {
        return in_memory(catalog, progress).map(built);
    };
    let target = cache_dir.join(format!("{PREFIX}{:032x}", key(catalog)));
    if target.is_dir() {
        match open_dir(&target, catalog.len()) {
            Ok(index) => {
                return Ok(Opened {
                    index,
                    from_cache: true,
                });
            }
            Err(why) => notices.push(Notice::Rebuilt {
                cache: CacheFile::Lexical,
                why: Unusable::Invalid(why),
            }),
        }
    }
    match build_dir(catalog, &target, progress) {
        Ok(index) => {
            remove_others(cache_dir, &target);
            Ok(built(index))
        }
        Err(e) => {
            Notice::add_unwritable(notices, &e);
            in_memory(catalog, progress).map(built)
        }
    }
}

/// Builds the index in a temporary directory beside `target`, renames it into place, opens it.
fn build_dir(
    catalog: &Catalog,
    target: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<LexicalIndex> {
    let filling = AtomicDir::create(target).map_err(|e| Error::io(target, e))?;
    let written = (|| {
        let (schema, _) = Fields::schema();
        fill(
            &Index::create_in_dir(filling.path(), schema)?,
            catalog,
            progress,
        )
    })();
    written.map_err(|e| Error::Lexical(format!("{}: {e}", target.display())))?;
    let target = filling.commit().map_err(|e| Error::io(target, e))?;
    open_dir(&target, catalog.len()).map_err(|why| {
        Error::Lexical(format!(
            "{}: the index just written {why}",
            target.display()
        ))
    })
}

/// Removes the lexical indexes of earlier contents of the catalog, which nothing reads again.
fn remove_others(cache_dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_dir) else {
        return;
    };
    let others = entries
        .flatten()
        .map(|e| e.path())
        .filter(|path: &PathBuf| {
            path.as_path() != keep
                && path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(PREFIX))
        });
    for other in others {
        let _ = std::fs::remove_dir_all(other);
    }
}
