"""Build faiss IndexHNSWFlat and hnswlib on lookalike's own vectors and compare with lookalike's figures.

Reads the directory written by `lookalike bench --export DIR`: vectors.npy, queries.npy
(float32, unit length) and lookalike.json (our bench report). Same M and ef_construction as
lookalike's index, inner product, build on every core, search on one thread over the whole query
set at each ef_search. Prints build time and queries/s at matched recall@10 (0.95, 0.98, 0.99),
interpolated between the ef values tried, and writes compare.json beside the inputs.
"""

import json
import os
import statistics
import sys
import time

import numpy as np

K = 10
TARGETS = (0.95, 0.98, 0.99)
PASSES = 3


def exact_top_k(vectors, queries):
    scores = queries @ vectors.T
    top = np.argpartition(-scores, K, axis=1)[:, :K]
    return [set(row) for row in top]


def recall(found, truth):
    return float(np.mean([len(set(f) & t) / K for f, t in zip(found, truth)]))


def timed_passes(search):
    """Median queries/s over PASSES runs of search(), and the last run's answers."""
    rates, answers = [], None
    for _ in range(PASSES):
        start = time.perf_counter()
        answers = search()
        rates.append(time.perf_counter() - start)
    return statistics.median(rates), answers


def at_recall(points, target):
    """queries/s at `target` recall, interpolated between the bracketing (recall, q/s) points."""
    points = sorted(points)
    for (r0, q0), (r1, q1) in zip(points, points[1:]):
        if r0 <= target <= r1:
            if r1 == r0:
                return max(q0, q1)
            return q0 + (q1 - q0) * (target - r0) / (r1 - r0)
    if points and points[0][0] >= target:
        return points[0][1]
    return None


def run_faiss(vectors, queries, truth, m, ef_construction, efs, threads):
    import faiss

    faiss.omp_set_num_threads(threads)
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    start = time.perf_counter()
    index.add(vectors)
    build = time.perf_counter() - start
    faiss.omp_set_num_threads(1)
    points = []
    for ef in efs:
        index.hnsw.efSearch = ef
        seconds, (_, ids) = timed_passes(lambda: index.search(queries, K))
        points.append((recall(ids, truth), len(queries) / seconds, ef))
    return build, points


def run_hnswlib(vectors, queries, truth, m, ef_construction, efs, threads):
    import hnswlib

    index = hnswlib.Index(space="ip", dim=vectors.shape[1])
    index.init_index(max_elements=len(vectors), ef_construction=ef_construction, M=m)
    start = time.perf_counter()
    index.add_items(vectors, num_threads=threads)
    build = time.perf_counter() - start
    points = []
    for ef in efs:
        index.set_ef(max(ef, K))
        seconds, (ids, _) = timed_passes(lambda: index.knn_query(queries, k=K, num_threads=1))
        points.append((recall(ids, truth), len(queries) / seconds, ef))
    return build, points


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench-out/compare"
    vectors = np.load(os.path.join(out, "vectors.npy"))
    queries = np.load(os.path.join(out, "queries.npy"))
    with open(os.path.join(out, "lookalike.json")) as f:
        ours = json.load(f)
    m, ef_construction = ours["index"]["m"], ours["index"]["ef_construction"]
    threads = ours["index"]["build_threads"]
    efs = [row["ef_search"] for row in ours["recall_at_10"]]
    print(f"{len(vectors)} vectors, {len(queries)} queries, M {m}, ef_construction {ef_construction}, "
          f"build on {threads} threads, search on 1", file=sys.stderr)

    truth = exact_top_k(vectors, queries)
    results = {
        "lookalike": (
            ours["index"]["build_s"],
            [(row["text"]["recall"], row["text"]["queries_per_s"], row["ef_search"]) for row in ours["recall_at_10"]],
        )
    }
    print("faiss ...", file=sys.stderr)
    results["faiss IndexHNSWFlat"] = run_faiss(vectors, queries, truth, m, ef_construction, efs, threads)
    print("hnswlib ...", file=sys.stderr)
    results["hnswlib"] = run_hnswlib(vectors, queries, truth, m, ef_construction, efs, threads)

    ours_build, ours_points = results["lookalike"]
    ours_at = [at_recall([(r, q) for r, q, _ in ours_points], t) for t in TARGETS]
    header = f"| library | build s | " + " | ".join(f"q/s @ {t}" for t in TARGETS) + " | ours/theirs q/s @ 0.98 | their build / ours |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name, (build, points) in results.items():
        at = [at_recall([(r, q) for r, q, _ in points], t) for t in TARGETS]
        cells = [f"{q:,.0f}" if q else "n/a" for q in at]
        ratio = f"{ours_at[1] / at[1]:.2f}" if at[1] and ours_at[1] else "n/a"
        print(f"| {name} | {build:.2f} | " + " | ".join(cells) + f" | {ratio} | {build / ours_build:.2f} |")
    print()
    print("| ef | " + " | ".join(f"{name} recall / q/s" for name in results) + " |")
    print("|---|" + "---|" * len(results))
    for i, ef in enumerate(efs):
        cells = [f"{points[i][0]:.4f} / {points[i][1]:,.0f}" for _, points in results.values()]
        print(f"| {ef} | " + " | ".join(cells) + " |")
    with open(os.path.join(out, "compare.json"), "w") as f:
        json.dump({name: {"build_s": b, "sweep": [{"ef": e, "recall": r, "queries_per_s": q} for r, q, e in p]}
                   for name, (b, p) in results.items()}, f, indent=1)


if __name__ == "__main__":
    main()
