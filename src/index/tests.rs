//! The HNSW index against the exact oracle: recall, duplicates, tiny and empty inputs.

use super::*;

/// Deterministic unit vectors in clusters, like product embeddings (neighbours exist).
fn clustered(n: usize, dim: usize, seed: u64) -> Vectors {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 20001) as f32 / 10000.0 - 1.0
    };
    let centres: Vec<Vec<f32>> = (0..20)
        .map(|_| (0..dim).map(|_| next()).collect())
        .collect();
    let rows: Vec<Vec<f32>> = (0..n)
        .map(|i| {
            let mut v: Vec<f32> = centres[i % centres.len()]
                .iter()
                .map(|c| c + 0.6 * next())
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            for x in &mut v {
                *x /= norm;
            }
            v
        })
        .collect();
    Vectors::from_rows(dim, &rows)
}

const PARAMS: Params = Params {
    m: 16,
    ef_construction: 200,
    ef_search: 64,
};

#[test]
fn hnsw_recall_against_exact_is_high() {
    let vectors = clustered(3000, 64, 7);
    let graph = build(&vectors, PARAMS, &mut |_, _| {});
    let mut scratch = Scratch::default();
    let mut total = 0.0;
    for q in 0..200 {
        let query = vectors.row(q * 13);
        let approximate = graph.search(
            &vectors,
            query,
            10,
            PARAMS.ef_search,
            Some(q * 13),
            &mut scratch,
        );
        let truth = exact::search(&vectors, query, 10, Some(q * 13));
        assert!(approximate.iter().all(|h| h.index as usize != q * 13));
        total += recall(&approximate, &truth);
    }
    let mean = total / 200.0;
    assert!(mean >= 0.98, "recall@10 {mean}");
}

#[test]
fn duplicates_one_and_zero_vectors_work() {
    let one = clustered(1, 16, 3);
    let mut rows: Vec<Vec<f32>> = Vec::new();
    for _ in 0..50 {
        rows.push(one.row(0).to_vec());
    }
    let dupes = Vectors::from_rows(16, &rows);
    let graph = build(&dupes, PARAMS, &mut |_, _| {});
    let hits = graph.search(
        &dupes,
        dupes.row(0),
        10,
        64,
        Some(0),
        &mut Scratch::default(),
    );
    assert_eq!(hits.len(), 10);
    assert!(
        hits.iter()
            .all(|h| (h.score - 1.0).abs() < 1e-5 && h.index != 0)
    );

    let single = build(&one, PARAMS, &mut |_, _| {});
    let hits = single.search(&one, one.row(0), 10, 64, None, &mut Scratch::default());
    assert_eq!(hits.len(), 1);
    assert!(
        single
            .search(&one, one.row(0), 10, 64, Some(0), &mut Scratch::default())
            .is_empty()
    );

    let empty = build(&Vectors::from_flat(16, Vec::new()), PARAMS, &mut |_, _| {});
    assert!(
        empty
            .search(&one, one.row(0), 10, 64, None, &mut Scratch::default())
            .is_empty()
    );
}

#[test]
fn exact_is_sorted_and_excludes() {
    let vectors = clustered(100, 8, 11);
    let hits = exact::search(&vectors, vectors.row(5), 100, Some(5));
    assert_eq!(hits.len(), 99);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits.iter().all(|h| h.index != 5));
}
