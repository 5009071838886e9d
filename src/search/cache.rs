//! What the engine caches per catalog: the parsed catalog keyed by the file and load options, product vectors keyed by their text, and the frozen graph keyed by all vectors and parameters.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use crate::catalog::{Catalog, snapshot};
use crate::error::Result;
use crate::index::{Graph, Params, Vectors};
use crate::store::{self, Kind, SealedReader, SealedWriter, Stamp, Unusable};

/// A product's cache key: the model, the template and the product's text.
pub fn entry_key(model_id: &str, template: &str, text: &str) -> u128 {
    let mut bytes = Vec::with_capacity(model_id.len() + template.len() + text.len() + 2);
    for part in [model_id, template, text] {
        bytes.extend_from_slice(part.as_bytes());
        bytes.push(0);
    }
    xxh3_128(&bytes)
}

/// The directory holding one catalog's caches, named by a hash of the catalog's full path.
pub fn catalog_dir(cache_root: &Path, catalog: &Path) -> PathBuf {
    let full = std::fs::canonicalize(catalog).unwrap_or_else(|_| catalog.to_path_buf());
    let name = format!("{:032x}", xxh3_128(full.to_string_lossy().as_bytes()));
    cache_root.join("catalogs").join(&name[..16])
}

/// Vectors previously embedded for a catalog, by entry key.
pub struct CachedVectors {
    pub keys: Vec<u128>,
    pub vectors: Vectors,
}

impl CachedVectors {
    pub fn lookup(&self) -> HashMap<u128, usize> {
        self.keys.iter().enumerate().map(|(i, k)| (*k, i)).collect()
    }
}

fn vectors_stamp(model_id: &str) -> Stamp {
    Stamp {
        kind: Kind::Vectors,
        model_id: model_id.to_string(),
        // The file is found by catalog; its entries carry their own keys.
        key: 0,
    }
}

fn read_keys(reader: &mut SealedReader, n: usize) -> std::result::Result<Vec<u128>, Unusable> {
    let mut keys = vec![0u128; n];
    reader.read(bytemuck::cast_slice_mut(&mut keys))?;
    Ok(keys)
}

fn too_big(what: &str) -> Unusable {
    Unusable::Invalid(format!("its {what} count is implausible"))
}

/// Reads a vectors cache; None if there is none, an [`Unusable`] reason if it fails a check.
pub fn read_vectors(
    path: &Path,
    model_id: &str,
    dim: usize,
) -> std::result::Result<Option<CachedVectors>, Unusable> {
    let Some(mut reader) = store::open(path, &vectors_stamp(model_id))? else {
        return Ok(None);
    };
    let n = usize::try_from(reader.read_u64()?).map_err(|_| too_big("vector"))?;
    let stored_dim = reader.read_u64()?;
    if stored_dim != dim as u64 {
        return Err(Unusable::Invalid(format!(
            "it holds {stored_dim}-d vectors, expected {dim}"
        )));
    }
    if n > 1 << 28 {
        return Err(too_big("vector"));
    }
    let keys = read_keys(&mut reader, n)?;
    let vectors = reader.take(n * dim * size_of::<f32>())?;
    reader.finish()?;
    let vectors = Vectors::from_mapped(dim, vectors)
        .ok_or_else(|| Unusable::Invalid("its vectors are not whole rows".into()))?;
    Ok(Some(CachedVectors { keys, vectors }))
}

pub fn write_vectors(path: &Path, model_id: &str, keys: &[u128], vectors: &Vectors) -> Result<()> {
    let mut writer = SealedWriter::create(path, vectors_stamp(model_id))?;
    writer.write_u64(keys.len() as u64)?;
    writer.write_u64(vectors.dim() as u64)?;
    writer.write(bytemuck::cast_slice(keys))?;
    writer.write(bytemuck::cast_slice(vectors.as_flat()))?;
    writer.commit()
}

/// Which build made a cached graph: raised when the build changes the graph it makes, so that
/// graphs from an earlier one are built again (2: our own insertion replaced `hnsw_rs`'s).
const GRAPH_BUILD: u64 = 2;

/// The graph's key: the build, every entry key in order, and the build parameters.
pub fn graph_key(keys: &[u128], params: Params) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&GRAPH_BUILD.to_ne_bytes());
    hasher.update(bytemuck::cast_slice(keys));
    hasher.update(&(params.m as u64).to_ne_bytes());
    hasher.update(&(params.ef_construction as u64).to_ne_bytes());
    hasher.digest128()
}

fn graph_stamp(model_id: &str, key: u128) -> Stamp {
    Stamp {
        kind: Kind::Graph,
        model_id: model_id.to_string(),
        key,
    }
}

fn read_u32s(reader: &mut SealedReader, limit: usize) -> std::result::Result<Vec<u32>, Unusable> {
    let n = usize::try_from(reader.read_u64()?).map_err(|_| too_big("link"))?;
    if n > limit {
        return Err(too_big("link"));
    }
    let mut values = vec![0u32; n];
    reader.read(bytemuck::cast_slice_mut(&mut values))?;
    Ok(values)
}

/// Reads a graph cache for `n` nodes and checks that every link stays inside the graph.
pub fn read_graph(
    path: &Path,
    model_id: &str,
    key: u128,
    n: usize,
) -> std::result::Result<Option<Graph>, Unusable> {
    let Some(mut reader) = store::open(path, &graph_stamp(model_id, key))? else {
        return Ok(None);
    };
    let entry = u32::try_from(reader.read_u64()?).map_err(|_| too_big("entry"))?;
    let layer0_width = u32::try_from(reader.read_u64()?).map_err(|_| too_big("width"))?;
    let upper_width = u32::try_from(reader.read_u64()?).map_err(|_| too_big("width"))?;
    let mut levels = vec![0u8; n];
    reader.read(&mut levels)?;
    let limit = n.saturating_mul(512);
    let layer0 = read_u32s(&mut reader, limit)?;
    let upper_start = read_u32s(&mut reader, limit)?;
    let upper = read_u32s(&mut reader, limit)?;
    reader.finish()?;
    let graph = Graph {
        entry,
        levels,
        layer0_width,
        layer0,
        upper_width,
        upper_start,
        upper,
    };
    graph.check().map_err(Unusable::Invalid)?;
    Ok(Some(graph))
}

pub fn write_graph(path: &Path, model_id: &str, key: u128, graph: &Graph) -> Result<()> {
    let mut writer = SealedWriter::create(path, graph_stamp(model_id, key))?;
    writer.write_u64(u64::from(graph.entry))?;
    writer.write_u64(u64::from(graph.layer0_width))?;
    writer.write_u64(u64::from(graph.upper_width))?;
    writer.write(&graph.levels)?;
    for list in [&graph.layer0, &graph.upper_start, &graph.upper] {
        writer.write_u64(list.len() as u64)?;
        writer.write(bytemuck::cast_slice(list))?;
    }
    writer.commit()
}

/// The catalog's stamp: a snapshot does not depend on the model.
fn catalog_stamp(key: u128) -> Stamp {
    Stamp {
        kind: Kind::Catalog,
        model_id: String::new(),
        key,
    }
}

/// Reads the snapshot of a catalog parsed under `key` (see [`snapshot::key`]); None if there is none.
pub fn read_catalog(
    path: &Path,
    key: u128,
    catalog: &Path,
) -> std::result::Result<Option<Catalog>, Unusable> {
    let Some(mut reader) = store::open(path, &catalog_stamp(key))? else {
        return Ok(None);
    };
    let bytes = reader.take(reader.remaining())?;
    reader.finish()?;
    snapshot::decode(catalog, bytes.bytes())
        .map(Some)
        .map_err(Unusable::Invalid)
}

pub fn write_catalog(path: &Path, key: u128, catalog: &Catalog) -> Result<()> {
    let bytes = snapshot::encode(catalog);
    let mut writer = SealedWriter::create(path, catalog_stamp(key))?;
    writer.write(&bytes)?;
    writer.commit()
}
