//! Read-only memory maps of cache files, shared by whatever borrows from them: one of the three modules allowed unsafe code (`index::simd` and `cmd::bench::heap` are the others).
//!
//! A mapped cache is used where it lies in the page cache instead of being copied into fresh
//! memory: at a million products, zeroing and filling 1.5 GB for the vectors was most of a warm
//! start. A map is only sound while its file is not written in place, and lookalike's cache files
//! never are: they are written to a temporary file and renamed over the old one, which leaves the
//! old file, and every map of it, as it was. User files (catalogs) are never mapped.
#![allow(unsafe_code)]

use std::fs::File;
use std::ops::Range;
use std::sync::Arc;

/// A range of bytes of a mapped file, cheap to clone; the map lives as long as any range of it.
#[derive(Clone)]
pub struct MappedBytes {
    map: Arc<memmap2::Mmap>,
    range: Range<usize>,
}

impl MappedBytes {
    /// Maps the whole of `file`, with its pages mapped up front (one pass in the kernel instead
    /// of a page fault per page on first use).
    pub fn map(file: &File) -> std::io::Result<Self> {
        // SAFETY: only cache files are mapped, and they are never changed in place (see above).
        let map = unsafe { memmap2::MmapOptions::new().populate().map(file)? };
        let range = 0..map.len();
        Ok(Self {
            map: Arc::new(map),
            range,
        })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map[self.range.clone()]
    }

    pub fn len(&self) -> usize {
        self.range.len()
    }

    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// The bytes at `range` of these; None if it does not lie within them.
    pub fn slice(&self, range: Range<usize>) -> Option<Self> {
        (range.start <= range.end && range.end <= self.len()).then(|| Self {
            map: Arc::clone(&self.map),
            range: self.range.start + range.start..self.range.start + range.end,
        })
    }
}

impl std::fmt::Debug for MappedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedBytes({} bytes)", self.len())
    }
}
