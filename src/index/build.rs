//! Building the graph with `hnsw_rs` and copying it into our frozen layout; `hnsw_rs`'s types stay in this file.

use hnsw_rs::prelude::{DistDot, Hnsw};

use super::graph::{Graph, NONE};
use super::reach::connect;
use super::{Params, Vectors};

/// Most layers `hnsw_rs` may use.
const MAX_LAYERS: usize = 16;

/// Points inserted per parallel batch, between progress reports.
const INSERT_BATCH: usize = 4096;

/// Builds an HNSW graph over `vectors` (unit vectors, inner product). `progress(done, total)` after each batch.
pub fn build(vectors: &Vectors, params: Params, progress: &mut dyn FnMut(usize, usize)) -> Graph {
    let n = vectors.len();
    if n == 0 {
        return Graph::default();
    }
    let hnsw: Hnsw<f32, DistDot> =
        Hnsw::new(params.m, n, MAX_LAYERS, params.ef_construction, DistDot {});
    let rows: Vec<(&[f32], usize)> = (0..n).map(|i| (vectors.row(i), i)).collect();
    for (batch_no, batch) in rows.chunks(INSERT_BATCH).enumerate() {
        hnsw.parallel_insert_slice(&batch.to_vec());
        progress((batch_no * INSERT_BATCH + batch.len()).min(n), n);
    }
    freeze(&hnsw, vectors, params)
}

/// Copies `hnsw_rs`'s graph into flat arrays indexed by our product positions, with layer 0 made
/// strongly connected (see `reach`).
fn freeze(hnsw: &Hnsw<f32, DistDot>, vectors: &Vectors, params: Params) -> Graph {
    let n = vectors.len();
    let mut levels = vec![0u8; n];
    let mut lists: Vec<Vec<Vec<u32>>> = vec![vec![Vec::new()]; n];
    for point in hnsw.get_point_indexation() {
        let node = point.get_origin_id();
        let level = point.get_point_id().0;
        levels[node] = level;
        lists[node] = point
            .get_neighborhood_id()
            .into_iter()
            .take(usize::from(level) + 1)
            .map(|layer| layer.iter().map(|nb| nb.get_origin_id() as u32).collect())
            .collect();
    }
    // hnsw_rs can leave a node in the list of a layer above its own level; such links lead nowhere there.
    for node_lists in &mut lists {
        for (layer, list) in node_lists.iter_mut().enumerate().skip(1) {
            list.retain(|&nb| usize::from(levels[nb as usize]) >= layer);
        }
    }
    // The entry point: the first node on the highest level.
    let top = levels.iter().copied().max().unwrap_or(0);
    let entry = levels.iter().position(|&l| l == top).unwrap_or(0) as u32;
    let mut layer0_lists: Vec<Vec<u32>> = lists
        .iter_mut()
        .map(|node| std::mem::take(&mut node[0]))
        .collect();
    connect(&mut layer0_lists, entry, 2 * params.m, |node| {
        hnsw.search(
            vectors.row(node),
            params.ef_construction,
            params.ef_construction,
        )
        .iter()
        .map(|nb| nb.d_id as u32)
        .collect()
    });
    for (node, list) in lists.iter_mut().zip(layer0_lists) {
        node[0] = list;
    }
    let width_of = |upper: bool| {
        lists
            .iter()
            .flat_map(|node| node.iter().enumerate())
            .filter(|(layer, _)| (*layer > 0) == upper)
            .map(|(_, list)| list.len())
            .max()
            .unwrap_or(0)
            .max(1)
    };
    let layer0_width = width_of(false);
    let upper_width = width_of(true);
    let mut layer0 = vec![NONE; n * layer0_width];
    let mut upper_start = vec![NONE; n];
    let mut upper = Vec::new();
    for (node, node_lists) in lists.iter().enumerate() {
        for (layer, list) in node_lists.iter().enumerate() {
            if layer == 0 {
                layer0[node * layer0_width..node * layer0_width + list.len()].copy_from_slice(list);
            } else {
                if layer == 1 {
                    upper_start[node] = upper.len() as u32;
                }
                let start = upper.len();
                upper.resize(start + upper_width, NONE);
                upper[start..start + list.len()].copy_from_slice(list);
            }
        }
    }
    Graph {
        entry,
        levels,
        layer0_width: layer0_width as u32,
        layer0,
        upper_width: upper_width as u32,
        upper_start,
        upper,
    }
}
