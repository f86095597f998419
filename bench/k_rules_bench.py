"""Rules for the number of themes, with 400 k-means runs per K (issue #27).

The stability bench showed that the chosen K flips between near-equal values of "the
mean agreement between pairs of runs" when 100 runs estimate it. This bench asks two
questions on the model's own clustering input (language-centred, PCA, as
:class:`~survey_tools.topics.TopicModel` passes it to
:class:`~survey_tools.topics.cluster.AutoKMeans`):

1. With four times the runs (400 per K, every pair compared), is K's stability precise
   enough that a rule picks the same K for float32 and bfloat16 vectors, for N(0, 1e-5)
   noise on the clustering input and for seeds 0-4?
2. Is the consensus partition at each K reproducible? Each K's 400 runs are pooled with
   50 consensus starts; "half" is the ARI between the consensus of the even and of the odd
   runs (200 each), the partition's own reproducibility.

Eight variants per corpus: float32 and bfloat16 vectors with seed 42, float32 + noise
with seed 42, float32 with seeds 0-4 (other subsamples and starts). Rules for K are
compared on the same runs; for each, K per variant, ARI float32-bfloat16, float32-noise,
the lowest ARI between seeds (0-4 and 42) and the agreement with people (ARI, float32).

Run::

    python bench/k_rules_bench.py --corpora sample_takeaway nhs
    # -> bench/results/k_rules_<corpus>.md; runs cached under --cache/k_runs
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

VARIANTS = {"f32": ("float32", 42), "bf16": ("bfloat16", 42), "noise": ("float32", 42),
            "s0": ("float32", 0), "s1": ("float32", 1), "s2": ("float32", 2),
            "s3": ("float32", 3), "s4": ("float32", 4)}
K_RANGE = range(3, 13)


def clustering_input(corpus: str, docs, precision: str, folder: Path) -> np.ndarray:
    """Return what TopicModel gives AutoKMeans for `docs` (cached in `folder`)."""
    from stability_bench import vectors

    from survey_tools.topics import TopicModel, cluster

    path = folder / "k_runs" / f"{corpus}_{precision}_input.npy"
    if path.exists():
        return np.load(path)
    captured = []
    original = cluster.AutoKMeans.fit

    def capture(self, X, y=None):
        captured.append(np.asarray(X, float).copy())
        return original(self, X, y)

    cluster.AutoKMeans.fit = capture
    try:
        emb = vectors(corpus, docs, precision, folder)
        TopicModel(seed=42, cache_dir=False, n_topics=3, extra_stop_words=["ai"]).fit(
            docs, embeddings=np.nan_to_num(emb))
    finally:
        cluster.AutoKMeans.fit = original
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, captured[0])
    return captured[0]


def scaled(X: np.ndarray) -> np.ndarray:
    """The rows as AutoKMeans clusters them (partial whitening, unit length)."""
    from survey_tools.topics.cluster import AutoKMeans

    est = AutoKMeans(3)
    est.scale_ = X.std(axis=0) ** -float(est.whiten)
    return est._scaled(X)


def pair_ari(runs: np.ndarray, k: int) -> np.ndarray:
    """Return the matrix of adjusted Rand indices between every pair of runs."""
    from scipy import sparse

    n_runs, n = runs.shape
    cols = (runs.T.astype(np.int64) + k * np.arange(n_runs)).ravel()
    onehot = sparse.csr_matrix((np.ones(n * n_runs), (np.repeat(np.arange(n), n_runs), cols)),
                               shape=(n, n_runs * k))
    table = (onehot.T @ onehot).toarray().reshape(n_runs, k, n_runs, k)
    both = (table * (table - 1) / 2).sum(axis=(1, 3))
    sizes = np.stack([np.bincount(r, minlength=k) for r in runs]).astype(float)
    own = (sizes * (sizes - 1) / 2).sum(axis=1)
    expected = np.outer(own, own) / (n * (n - 1) / 2)
    top = (own[:, None] + own[None, :]) / 2
    return (both - expected) / (top - expected)


def consensus(X: np.ndarray, runs: np.ndarray, k: int, seed: int, n_init: int = 50):
    """The package's consensus (k-means on memberships) with `n_init` starts, then each
    row to its nearest consensus centre."""
    from scipy import sparse
    from sklearn.cluster import KMeans

    from survey_tools.topics.cluster import _centres

    runs = runs.astype(np.int64)
    n_runs, _ = runs.shape
    width = int(runs.max()) + 1
    unique, inverse = np.unique(runs.T + width * np.arange(n_runs), axis=0,
                                return_inverse=True)
    inverse = inverse.ravel()
    onehot = sparse.csr_matrix(
        (np.ones(unique.size), unique.ravel(), np.arange(0, unique.size + 1, n_runs)),
        shape=(len(unique), width * n_runs))
    labels = KMeans(k, n_init=n_init, random_state=seed).fit(
        onehot, sample_weight=np.bincount(inverse)).labels_[inverse]
    return np.argmax(X @ _centres(X, labels, k).T, axis=1)


def per_k(X: np.ndarray, seed: int, n_runs: int, cache: Path) -> dict:
    """Stability, its standard error, consensus partition and halves' ARI for every K."""
    from sklearn.metrics import adjusted_rand_score

    from survey_tools.topics.cluster import subsample_runs

    out = {}
    for k in K_RANGE:
        path = cache.with_name(f"{cache.name}_k{k}.npy")
        if path.exists():
            runs = np.load(path)
        else:
            runs = subsample_runs(X, k, n_runs=n_runs, seed=seed + k).astype(np.int8)
            np.save(path, runs)
        agreement = pair_ari(runs, k)
        np.fill_diagonal(agreement, np.nan)
        mean_per_run = np.nanmean(agreement, axis=1)
        halves = [consensus(X, runs[i::2], k, seed + i) for i in (0, 1)]
        out[k] = {"stability": float(np.nanmean(agreement)),
                  "se": float(2 * mean_per_run.std() / np.sqrt(len(runs))),
                  "partition": consensus(X, runs, k, seed),
                  "half": float(adjusted_rand_score(*halves))}
    return out


def _most_stable(table: dict, tolerance: float) -> int:
    best = max(v["stability"] for v in table.values())
    return min(k for k, v in table.items() if v["stability"] >= best - tolerance)


def _within_se(table: dict, z: float) -> int:
    top = max(table, key=lambda k: table[k]["stability"])
    best = table[top]
    return min(k for k, v in table.items()
               if v["stability"] >= best["stability"] - z * np.hypot(v["se"], best["se"]))


def _prefix(table: dict, threshold: float) -> int:
    chosen = min(table)
    for k in sorted(table):
        if table[k]["half"] < threshold:
            break
        chosen = k
    return chosen


def _largest(table: dict, threshold: float) -> int:
    ok = [k for k, v in table.items() if v["half"] >= threshold]
    return max(ok) if ok else min(table)


def _stable_among_reproducible(table: dict, threshold: float, tolerance: float) -> int:
    ok = {k: v for k, v in table.items() if v["half"] >= threshold}
    return _most_stable(ok, tolerance) if ok else min(table)


RULES = {
    "most stable, smallest within 0.03 (the code)": lambda t: _most_stable(t, 0.03),
    "most stable, smallest within 0.01": lambda t: _most_stable(t, 0.01),
    "smallest within 1 SE of the most stable": lambda t: _within_se(t, 1.0),
    "smallest within 2 SE of the most stable": lambda t: _within_se(t, 2.0),
    "largest K with every K up to it reproducible (half >= 0.95)": lambda t: _prefix(t, 0.95),
    "largest reproducible K (half >= 0.95)": lambda t: _largest(t, 0.95),
    "most stable among reproducible K (0.95, within 0.03)":
        lambda t: _stable_among_reproducible(t, 0.95, 0.03),
}


def run_corpus(corpus: str, folder: Path, n_runs: int) -> dict:
    """All variants of one corpus; returns the per-K tables and the rules' outcomes."""
    from stability_bench import load

    docs, labels, scored = load(corpus)
    inputs = {p: clustering_input(corpus, docs, p, folder) for p in ("float32", "bfloat16")}
    tables = {}
    for name, (precision, seed) in VARIANTS.items():
        X = inputs[precision]
        if name == "noise":
            X = X + np.random.default_rng(0).normal(0.0, 1e-5, X.shape)
        start = time.perf_counter()
        tables[name] = per_k(scaled(X), seed, n_runs,
                             folder / "k_runs" / f"{corpus}_{name}_{n_runs}")
        print(f"{corpus} {name}: {time.perf_counter() - start:.0f} s", flush=True)
    emb = np.load(folder / f"{corpus}_float32.npy")
    modelled = np.flatnonzero(np.isfinite(emb).all(axis=1))
    where = {row: i for i, row in enumerate(modelled)}
    scored = [i for i in scored if i in where] if labels is not None else []
    truth = [labels[i] for i in scored]
    rows = np.array([where[i] for i in scored], dtype=int)
    return {"corpus": corpus, "tables": tables, "truth": truth, "rows": rows}


def summarize(result: dict) -> dict:
    """K per variant and the agreements for every rule, and per-K figures."""
    from sklearn.metrics import adjusted_rand_score as ari

    tables, truth, rows = result["tables"], result["truth"], result["rows"]
    seeds = ["f32", "s0", "s1", "s2", "s3", "s4"]
    out = {"per_k": {}, "rules": {}}
    for k in K_RANGE:
        p = {n: t[k]["partition"] for n, t in tables.items()}
        out["per_k"][k] = {
            "stability": {n: round(t[k]["stability"], 3) for n, t in tables.items()},
            "half": {n: round(t[k]["half"], 3) for n, t in tables.items()},
            "f32_bf16": round(ari(p["f32"], p["bf16"]), 3),
            "f32_noise": round(ari(p["f32"], p["noise"]), 3),
            "seeds_min": round(min(ari(p[a], p[b]) for a, b in combinations(seeds, 2)), 3),
            "people": round(ari(truth, p["f32"][rows]), 3) if truth else None}
    for name, rule in RULES.items():
        ks = {n: rule(t) for n, t in tables.items()}
        p = {n: tables[n][k]["partition"] for n, k in ks.items()}
        out["rules"][name] = {
            "k": ks, "f32_bf16": round(ari(p["f32"], p["bf16"]), 3),
            "f32_noise": round(ari(p["f32"], p["noise"]), 3),
            "seeds_min": round(min(ari(p[a], p[b]) for a, b in combinations(seeds, 2)), 3),
            "people": round(ari(truth, p["f32"][rows]), 3) if truth else None}
    return out


def markdown(corpus: str, summary: dict, n_runs: int) -> str:
    """The two tables of one corpus."""
    lines = [f"## {corpus} ({n_runs} runs per K)", "",
             "| K | stability f32 / bf16 / noise / seeds 0-4 | half (f32) | ARI f32-bf16 "
             "| f32-noise | seeds min | people |", "|---|---|---|---|---|---|---|"]
    for k, row in summary["per_k"].items():
        stab = " / ".join(f"{v:.3f}" for v in row["stability"].values())
        lines.append(f"| {k} | {stab} | {row['half']['f32']:.3f} | {row['f32_bf16']:.3f} | "
                     f"{row['f32_noise']:.3f} | {row['seeds_min']:.3f} | {row['people']} |")
    lines += ["", "| rule | K (f32, bf16, noise, s0-s4) | ARI f32-bf16 | f32-noise "
              "| seeds min | people |", "|---|---|---|---|---|---|"]
    for name, row in summary["rules"].items():
        ks = ",".join(str(k) for k in row["k"].values())
        lines.append(f"| {name} | {ks} | {row['f32_bf16']:.3f} | {row['f32_noise']:.3f} | "
                     f"{row['seeds_min']:.3f} | {row['people']} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    """Run the chosen corpora and write one markdown and one JSON file per corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="+", default=["sample_takeaway", "nhs"])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/survey_tools_bench_vectors"))
    args = parser.parse_args(argv)
    for corpus in args.corpora:
        summary = summarize(run_corpus(corpus, args.cache, args.runs))
        out = HERE / "results" / f"k_rules_{corpus}"
        out.with_suffix(".md").write_text(markdown(corpus, summary, args.runs), encoding="utf-8")
        out.with_suffix(".json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        print(markdown(corpus, summary, args.runs), flush=True)


if __name__ == "__main__":
    main()
