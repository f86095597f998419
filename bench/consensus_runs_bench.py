"""Does the consensus partition settle with more k-means runs? (issue #27, fixed K)

At a fixed K, the same answers are clustered as :class:`~survey_tools.topics.cluster.
AutoKMeans` does (partial whitening, subsample runs, consensus), with 100 and with 400
runs per consensus: three seeds on float32 vectors, and seed 0 on bfloat16 vectors of the
same answers. Agreement is the adjusted Rand index of the final partitions (each row to
its nearest consensus centre). The consensus step is scikit-learn's k-means on the runs'
memberships with 10 starts (as in the package) or 50.

Vectors come from ``stability_bench.vectors`` (cached in ``--cache``; e5 float32 and
bfloat16).

Run::

    python bench/consensus_runs_bench.py     # writes bench/results/consensus_runs.md
"""

from __future__ import annotations

import argparse
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def scaled(X: np.ndarray) -> np.ndarray:
    """The rows as AutoKMeans clusters them (columns scaled by std^-0.75, unit length)."""
    from survey_tools.topics.cluster import AutoKMeans

    est = AutoKMeans(3)
    est.scale_ = X.std(axis=0) ** -float(est.whiten)
    return est._scaled(X)


def consensus(runs: np.ndarray, k: int, n_init: int) -> np.ndarray:
    """:func:`~survey_tools.topics.cluster.consensus_labels` with `n_init` starts."""
    from scipy import sparse
    from sklearn.cluster import KMeans

    n_runs, _ = runs.shape
    width = int(runs.max()) + 1
    codes = runs.T + width * np.arange(n_runs)
    unique, inverse = np.unique(codes, axis=0, return_inverse=True)
    onehot = sparse.csr_matrix(
        (np.ones(unique.size), unique.ravel(), np.arange(0, unique.size + 1, n_runs)),
        shape=(len(unique), width * n_runs))
    return KMeans(k, n_init=n_init, random_state=0).fit(
        onehot, sample_weight=np.bincount(inverse.ravel())).labels_[inverse.ravel()]


def final(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Each row to its nearest consensus centre."""
    from survey_tools.topics.cluster import _centres

    return np.argmax(X @ _centres(X, labels, k).T, axis=1)


def main(argv=None) -> int:
    """Measure and write the table."""
    from sklearn.metrics import adjusted_rand_score as ari
    from stability_bench import load, vectors

    from survey_tools.topics.cluster import subsample_runs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="+", default=["sample_obstacles", "sample_takeaway"])
    parser.add_argument("--ks", nargs="+", type=int, default=[5, 6, 7, 8])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/survey_tools_bench_vectors"))
    parser.add_argument("--out", type=Path, default=HERE / "results" / "consensus_runs.md")
    args = parser.parse_args(argv)
    lines = ["# Consensus with more runs (issue #27)", "",
             "`python bench/consensus_runs_bench.py`: ARI between final partitions at a "
             "fixed K; seeds 0-2 on float32 vectors (min-max of the three pairs), and seed 0 "
             "float32 against seed 0 bfloat16.", "",
             "| corpus | K | runs | consensus starts | seeds (min-max) | float32-bfloat16 |",
             "| --- | --- | --- | --- | --- | --- |"]
    for corpus in args.corpora:
        docs = load(corpus)[0]
        f32 = vectors(corpus, docs, "float32", args.cache)
        bf16 = vectors(corpus, docs, "bfloat16", args.cache)
        rows = np.flatnonzero(np.isfinite(f32).all(axis=1) & np.isfinite(bf16).all(axis=1))
        xa, xb = scaled(f32[rows].astype(float)), scaled(bf16[rows].astype(float))
        for k in args.ks:
            runs = {("a", s): subsample_runs(xa, k, n_runs=400, seed=s) for s in range(3)}
            runs[("b", 0)] = subsample_runs(xb, k, n_runs=400, seed=0)
            for n_runs in (100, 400):
                for n_init in (10, 50):
                    parts = {key: final(xa if key[0] == "a" else xb,
                                        consensus(r[:n_runs], k, n_init), k)
                             for key, r in runs.items()}
                    seeds = [ari(parts[("a", i)], parts[("a", j)])
                             for i, j in combinations(range(3), 2)]
                    line = (f"| {corpus} | {k} | {n_runs} | {n_init} | {min(seeds):.3f}-"
                            f"{max(seeds):.3f} | {ari(parts[('a', 0)], parts[('b', 0)]):.3f} |")
                    lines.append(line)
                    print(line, flush=True)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
